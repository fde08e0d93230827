using Microsoft.Extensions.FileSystemGlobbing;
using SandboxBuild.Probing;

namespace SandboxBuild.Artifacts;

/// <summary>
/// Decides which folders to refuse whole when the output holds more files than the limit. A flood of files
/// in one folder then costs that folder, not every file that happens to sort after it: the smallest folder
/// whose removal is enough goes first (so a flood nested in a/flood/ does not cost the rest of a/).
/// </summary>
internal static class FolderCensus
{
    /// <param name="counts">Publishable files per folder, recursively; "" is the whole output.</param>
    public static IReadOnlyDictionary<string, int> OverLimit(IReadOnlyDictionary<string, int> counts, int limit)
    {
        var refused = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = counts.GetValueOrDefault("");
        while (total > limit)
        {
            var open = counts
                .Where(c => c.Key.Length > 0 && c.Value > 0 && !refused.Keys.Any(r => IsInside(c.Key, r) || IsInside(r, c.Key)))
                .ToList();
            if (open.Count == 0)
            {
                break; // files straight in the output folder: the per-file limit refuses the excess
            }

            var needed = total - limit;
            var pick = open.Where(c => c.Value >= needed).OrderBy(c => c.Value).ThenByDescending(c => c.Key.Length).FirstOrDefault();
            if (pick.Key is null)
            {
                pick = open.OrderByDescending(c => c.Value).First();
            }

            refused[pick.Key] = pick.Value;
            total -= pick.Value;
        }

        return refused;
    }

    /// <summary>How many publishable files each folder holds (recursively), so a flood can be refused as a folder.</summary>
    public static Dictionary<string, int> Count(int root, ulong rootMount, Matcher? include, int maxDepth)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal) { [""] = 0 };
        var pending = new Stack<(int Fd, string Path, int Depth)>([(root, "", 0)]);
        while (pending.Count > 0)
        {
            var (fd, relative, depth) = pending.Pop();
            try
            {
                foreach (var rawName in NativeFiles.ListNames(fd))
                {
                    if (!ArtifactNames.IsAcceptable(rawName, out var name, out _) || !NativeFiles.TryStatAt(fd, rawName, out var stat))
                    {
                        continue;
                    }

                    var path = ArtifactNames.Join(relative, name);
                    if (stat.Kind == FileKind.Regular && (include is null || include.Match(path).HasMatches))
                    {
                        for (var folder = relative; ; folder = ArtifactNames.Parent(folder))
                        {
                            counts[folder] = counts.GetValueOrDefault(folder) + 1;
                            if (folder.Length == 0)
                            {
                                break;
                            }
                        }
                    }
                    else if (stat.Kind == FileKind.Directory && stat.MountId == rootMount && depth < maxDepth
                        && NativeFiles.OpenDirectoryAt(fd, rawName) is var child and >= 0)
                    {
                        counts.TryAdd(path, 0);
                        pending.Push((child, path, depth + 1));
                    }
                }
            }
            finally
            {
                if (fd != root)
                {
                    NativeFiles.close(fd);
                }
            }
        }

        return counts;
    }

    private static bool IsInside(string path, string folder) => path == folder || path.StartsWith(folder + "/", StringComparison.Ordinal);
}
