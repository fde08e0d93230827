using System.Diagnostics;
using System.Text;
using SandboxBuild.Engine;
using SandboxBuild.Probing;

namespace SandboxBuild.Validation.Credentials;

/// <summary>One piece of credential material found in a mount: where (relative to the mount's source) and what.</summary>
public sealed record CredentialHit(string RelativePath, string Why);

/// <summary>What searching one mount source found, and whether the search saw all of it.</summary>
public sealed record MountSearch(MountFact Mount, IReadOnlyList<CredentialHit> Hits, bool Complete, string? Incomplete, int Entries);

/// <summary>
/// Searches the host folders a sandbox will mount, before the container exists, for credential material by
/// name and content (<see cref="CredentialMaterial"/>): the mount's own folder, then everything inside, by lstat
/// so a link is never followed out of it. The walk has limits on entries, depth and time, and a walk cut short
/// is reported as incomplete (the gate fails closed on it). Git's object store and node_modules are skipped:
/// large, and never where credentials are kept.
/// </summary>
public static class MountCredentialSearch
{
    public const int MaxEntries = 500_000;
    public const int MaxDepth = 48;
    public static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(10);

    private static readonly string[] SkippedFolders = [".git/objects", ".git/lfs", ".git/modules"];

    public static MountSearch Search(MountFact mount, bool isSource, TimeSpan? budget = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = budget ?? MaxTime;
        var hits = new List<CredentialHit>();
        var root = mount.Source.Length > 1 ? mount.Source.TrimEnd('/') : mount.Source;
        // The engine follows a link given as the mount source; so does the search, for the root only.
        if (LinuxStat.TryLstat(root, out var linkStat, out _) && linkStat.Kind == FileKind.Symlink
            && new FileInfo(root).ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            root = target.FullName;
        }

        if (!LinuxStat.TryLstat(root, out var rootStat, out var errno))
        {
            return new MountSearch(mount, hits, false, $"the mount source cannot be examined (errno {errno})", 0);
        }

        // The mount's own folder counts by its name: a bind of `/srv/backup/.aws` is an AWS folder.
        if (CredentialMaterial.ByName(Path.GetFileName(root), rootStat.Kind == FileKind.Directory) is { } rootWhy)
        {
            hits.Add(new CredentialHit(".", rootWhy));
        }

        if (rootStat.Kind != FileKind.Directory)
        {
            if (rootStat.Kind == FileKind.Regular)
            {
                CheckFile(root, Path.GetFileName(root), isSource, hits);
            }

            return new MountSearch(mount, hits, true, null, 1);
        }

        var entries = 0;
        var pending = new Stack<(string Path, string Relative, int Depth)>();
        pending.Push((root, "", 0));
        var options = new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0, ReturnSpecialDirectories = false, RecurseSubdirectories = false };
        while (pending.Count > 0)
        {
            var (folder, relative, depth) = pending.Pop();
            string[] children;
            try
            {
                children = Directory.GetFileSystemEntries(folder, "*", options);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new MountSearch(mount, hits, false, $"{(relative.Length == 0 ? "the mount" : relative)} cannot be read ({e.GetType().Name})", entries);
            }

            foreach (var child in children)
            {
                if (++entries > MaxEntries || clock.Elapsed > limit)
                {
                    return new MountSearch(mount, hits, false, $"stopped after {entries - 1} entries and {clock.Elapsed.TotalSeconds:F1} s", entries);
                }

                var name = Path.GetFileName(child);
                var path = relative.Length == 0 ? name : $"{relative}/{name}";
                if (!LinuxStat.TryLstat(child, out var stat, out _) || stat.Kind == FileKind.Symlink)
                {
                    continue; // a link is judged where it points, by the mount that holds its target
                }

                var isDirectory = stat.Kind == FileKind.Directory;
                if (CredentialMaterial.ByName(path, isDirectory) is { } why)
                {
                    hits.Add(new CredentialHit(path, why));
                    continue; // one finding per credential folder is enough
                }

                if (isDirectory)
                {
                    if (SkippedFolders.Any(s => path == s || path.EndsWith("/" + s, StringComparison.Ordinal)) || name == "node_modules")
                    {
                        continue;
                    }

                    if (depth + 1 >= MaxDepth)
                    {
                        return new MountSearch(mount, hits, false, $"{path} is nested deeper than {MaxDepth} folders", entries);
                    }

                    pending.Push((child, path, depth + 1));
                }
                else if (stat.Kind == FileKind.Regular)
                {
                    CheckFile(child, path, isSource, hits);
                }
            }
        }

        return new MountSearch(mount, hits, true, null, entries);
    }

    private static void CheckFile(string file, string relative, bool isSource, List<CredentialHit> hits)
    {
        if (!CredentialMaterial.WantsContent(relative, isSource))
        {
            return;
        }

        string text;
        try
        {
            using var stream = new FileStream(file, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.None });
            var buffer = new byte[Math.Min(CredentialMaterial.ContentLimit, Math.Max(0, stream.Length))];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            text = Encoding.Latin1.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            hits.Add(new CredentialHit(relative, $"a credential-shaped file that cannot be read ({e.GetType().Name})"));
            return;
        }

        if (CredentialMaterial.ByContent(relative, text) is { } why)
        {
            hits.Add(new CredentialHit(relative, why));
        }
    }
}
