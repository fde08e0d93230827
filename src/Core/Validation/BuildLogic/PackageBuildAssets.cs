using System.Security.Cryptography;
using System.Text;
using SandboxBuild.Probing;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// The folders of a restored package that MSBuild imports or loads on the host (`build/`, `buildTransitive/`,
/// `buildMultiTargeting/`, `Sdk/` of an MSBuild project SDK, `tasks/` for task assemblies), hashed together:
/// every relative path and its content, links recorded as links and never followed. Other folders (lib/,
/// tools/) are covered only by the lock file's content hash, which NuGet compares with the package's
/// metadata, not with the extracted files.
/// </summary>
public sealed record PackageBuildAssets(string Hash, IReadOnlyList<string> Folders)
{
    public const string NoAssets = "none";

    private static readonly string[] AssetFolders = ["build", "buildTransitive", "buildMultiTargeting", "Sdk", "tasks"];

    public string Describe() => Folders.Count == 0 ? "no build assets" : $"build assets in {string.Join(", ", Folders.Select(f => f + "/"))}";

    /// <summary>The package's build assets in the package folder, or null when it is not restored there (then nothing can be known before restore).</summary>
    public static PackageBuildAssets? Find(string? packagesFolder, string id, string version)
    {
        if (packagesFolder is null)
        {
            return null;
        }

        var folder = Path.Combine(packagesFolder, id.ToLowerInvariant(), version.ToLowerInvariant());
        if (!Directory.Exists(folder))
        {
            return null;
        }

        var present = AssetFolders.Where(f => Directory.Exists(Path.Combine(folder, f))).ToList();
        if (present.Count == 0)
        {
            return new PackageBuildAssets(NoAssets, []);
        }

        var listing = new StringBuilder();
        foreach (var assetFolder in present)
        {
            var tree = RepositoryTree.Walk(Path.Combine(folder, assetFolder));
            foreach (var entry in tree.Entries.Where(e => e.Type != TreeEntryType.Directory))
            {
                listing.Append(assetFolder).Append('/').Append(entry.RelativePath).Append('\t')
                    .Append(Describe(tree.FullPath(entry.RelativePath))).Append('\n');
            }

            foreach (var unreadable in tree.UnreadableFolders)
            {
                listing.Append(assetFolder).Append('/').Append(unreadable).Append("\tunreadable\n");
            }
        }

        return new PackageBuildAssets(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString()))), present);
    }

    private static string Describe(string path)
    {
        if (!LinuxStat.TryLstat(path, out var stat, out _))
        {
            return "unreadable";
        }

        return stat.Kind switch
        {
            FileKind.Symlink => "link:" + (new FileInfo(path).LinkTarget ?? "?"),
            FileKind.Regular => ContentHash.TryOf(path, out var hash) ? hash : "unreadable",
            _ => stat.Kind.ToString(),
        };
    }
}
