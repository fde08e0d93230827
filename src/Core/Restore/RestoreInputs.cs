using SandboxBuild.Engine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SandboxBuild.Restore;

/// <summary>
/// A hash of everything a restore depends on: the repository's project files, props/targets (any, since
/// any can be imported), Directory.Build.*, Directory.Packages.props, every NuGet.config, lock files,
/// global.json, .config/dotnet-tools.json, and the trusted side's choices (feeds and what local feed folders
/// hold, restore target and arguments, image, sandbox user). Unchanged inputs reuse the previous restore.
/// Files are read, never evaluated; links are hashed by their target text, never followed; bin/, obj/ and
/// .git/ are not walked (restore output there is never used).
/// </summary>
public static class RestoreInputs
{
    /// <summary>Bumped when what a restore produces (or where) changes, so older results are not reused.</summary>
    private const string FormatVersion = "restore-sandbox-1";

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", ".git", "node_modules", "TestResults", ".vs", ".idea" };

    private static readonly string[] Extensions = [".csproj", ".fsproj", ".vbproj", ".proj", ".sln", ".slnx", ".slnf", ".props", ".targets", ".rsp", ".nuspec"];

    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "nuget.config", "packages.lock.json", "global.json", "dotnet-tools.json", "packages.config", "Directory.Build.rsp",
    };

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

        foreach (var (relative, info) in Files(sourceDirectory).OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            Add(relative);
            if (info.LinkTarget is { } link)
            {
                Add("link:" + link);
            }
            else
            {
                try
                {
                    hash.AppendData(SHA256.HashData(File.ReadAllBytes(info.FullName)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Unreadable here means unreadable for restore too; a later readable version hashes differently.
                    Add("unreadable");
                }
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    public static bool IsRestoreInput(string relativePath)
    {
        var name = Path.GetFileName(relativePath);
        return Names.Contains(name) || Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
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
