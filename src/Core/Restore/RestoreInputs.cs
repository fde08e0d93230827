using SandboxBuild.Engine;
using SandboxBuild.Validation.BuildLogic;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SandboxBuild.Restore;

/// <summary>
/// A hash of everything a restore depends on: the repository's project files, props/targets (any, since
/// any can be imported), Directory.Build.*, Directory.Packages.props, every NuGet.config, lock files,
/// global.json, .config/dotnet-tools.json, and the trusted side's choices (feeds and what local feed folders
/// hold, restore target and arguments, image, sandbox user). Unchanged inputs reuse the previous restore.
/// Which names count is the build-logic gate's list (<see cref="BuildFileNames"/>: `*.csproj.user`, `.tasks`
/// ... too). Files are read, never evaluated, and only regular ones (a FIFO cannot hang the hash). A link is
/// hashed with the content it points at when that is a regular file inside the source (the sandbox follows
/// it); a link elsewhere makes the inputs unique, so such a restore is never reused. Only bin/ and obj/ are
/// not walked: they are never staged, so nothing there reaches restore.
/// </summary>
public static class RestoreInputs
{
    /// <summary>Bumped when what a restore produces (or where) changes, so older results are not reused.</summary>
    private const string FormatVersion = "restore-sandbox-2";

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj" };

    /// <summary>Besides the build-logic gate's names: response files and nuspecs, which restore arguments can name.</summary>
    private static readonly string[] ExtraExtensions = [".rsp", ".nuspec"];

    public static string Hash(string sourceDirectory, RestorePlan plan, string image, string user) =>
        Hash(sourceDirectory, Describe(plan, image, user));

    /// <summary>The hash over the restore-relevant files of a folder plus the given trusted settings.</summary>
    public static string Hash(string sourceDirectory, IEnumerable<string> settings)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));

        Add(FormatVersion);
        foreach (var setting in settings)
        {
            Add(setting);
        }

        var root = Path.GetFullPath(sourceDirectory).TrimEnd('/');
        foreach (var (relative, info) in Files(sourceDirectory).OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            Add(relative);
            var content = info.FullName;
            if (info.LinkTarget is { } link)
            {
                Add("link:" + link);
                var resolved = Path.GetFullPath(link, Path.GetDirectoryName(info.FullName)!);
                if (Path.IsPathRooted(link) || !resolved.StartsWith(root + "/", StringComparison.Ordinal)
                    || Host.RepositoryFile.KindOf(resolved) == Probing.FileKind.Symlink)
                {
                    // What it points at inside the sandbox is not a file of the source: never the same inputs twice.
                    Add("unhashable:" + Guid.NewGuid().ToString("N"));
                    continue;
                }

                content = resolved;
            }

            var kind = Host.RepositoryFile.KindOf(content);
            Add(kind is Probing.FileKind.Regular && ContentHash.TryOf(content, out var digest)
                ? digest
                : $"not a readable regular file ({kind?.ToString() ?? "missing"})");
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    public static bool IsRestoreInput(string relativePath)
    {
        var name = Path.GetFileName(relativePath);
        return BuildFileNames.Classify(name) is { } kind
            ? kind != BuildFileKind.RestoreOutput
            : ExtraExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    private static IEnumerable<string> Describe(RestorePlan plan, string image, string user)
    {
        yield return $"image={image}";
        yield return $"user={user}";
        yield return $"workdir={plan.WorkingDirectory}";
        yield return $"target={plan.Target}";
        yield return $"arguments={string.Join('\u001f', plan.Arguments)}";
        foreach (var feed in plan.Feeds)
        {
            yield return $"feed={feed.Kind}:{feed.Location}";
            if (feed.Kind == FeedKind.Folder)
            {
                // A repacked local package keeps its version: its size and time tell the change.
                foreach (var file in new DirectoryInfo(feed.Location).EnumerateFiles("*", SearchOption.AllDirectories).OrderBy(f => f.FullName, StringComparer.Ordinal))
                {
                    yield return $"feed-file={Path.GetRelativePath(feed.Location, file.FullName)}:{file.Length.ToString(CultureInfo.InvariantCulture)}:{file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}";
                }
            }
        }

        foreach (var credential in plan.Credentials.OrderBy(c => c.Host, StringComparer.Ordinal))
        {
            // Which host has a credential matters to restore; the secret itself stays out of the hash.
            yield return $"credential-host={credential.Host}";
        }
    }

    private static IEnumerable<(string Relative, FileSystemInfo Info)> Files(string root)
    {
        var pending = new Stack<string>([root]);
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos("*", options))
            {
                if (entry is DirectoryInfo && entry.LinkTarget is null)
                {
                    if (!SkippedFolders.Contains(entry.Name))
                    {
                        pending.Push(entry.FullName);
                    }

                    continue;
                }

                var relative = Path.GetRelativePath(root, entry.FullName);
                if (IsRestoreInput(relative))
                {
                    yield return (relative, entry);
                }
            }
        }
    }
}
