using System.IO.Enumeration;

namespace SandboxBuild.Validation.BuildLogic;

public enum TreeEntryType
{
    File,
    Directory,
    Link,
}

/// <summary>One name in the repository, by its path relative to the root ('/'-separated).</summary>
public readonly record struct TreeEntry(string RelativePath, TreeEntryType Type);

/// <summary>
/// Every name in the repository, listed once without following a link (a linked folder is listed as a link
/// and not entered) and without `.git`. Folders that cannot be listed are reported, not skipped silently.
/// </summary>
public sealed class RepositoryTree
{
    private static readonly EnumerationOptions OneFolder = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        ReturnSpecialDirectories = false,
    };

    private RepositoryTree(string root, List<TreeEntry> entries, List<string> unreadable)
    {
        Root = root;
        Entries = entries;
        UnreadableFolders = unreadable;
    }

    public string Root { get; }

    public IReadOnlyList<TreeEntry> Entries { get; }

    public IReadOnlyList<string> UnreadableFolders { get; }

    public static RepositoryTree Walk(string root)
    {
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var entries = new List<TreeEntry>();
        var unreadable = new List<string>();
        var pending = new Stack<string>();
        pending.Push("");
        while (pending.TryPop(out var relative))
        {
            try
            {
                var folder = relative.Length == 0 ? root : Path.Combine(root, relative);
                var listing = new FileSystemEnumerable<TreeEntry>(folder, (ref entry) => Describe(ref entry, relative), OneFolder).ToList();
                foreach (var entry in listing)
                {
                    entries.Add(entry);
                    if (entry.Type == TreeEntryType.Directory && Path.GetFileName(entry.RelativePath) != ".git")
                    {
                        pending.Push(entry.RelativePath);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                unreadable.Add(relative.Length == 0 ? "." : relative);
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new RepositoryTree(root, entries, unreadable);
    }

    public string FullPath(string relativePath) => relativePath.Length == 0 ? Root : Path.Combine(Root, relativePath);

    /// <summary>The path relative to the root, or null when it is not inside the root.</summary>
    public string? Relative(string fullPath)
    {
        var normalized = Path.GetFullPath(fullPath);
        if (normalized == Root)
        {
            return "";
        }

        return normalized.StartsWith(Root + "/", StringComparison.Ordinal) ? normalized[(Root.Length + 1)..] : null;
    }

    private static TreeEntry Describe(ref FileSystemEntry entry, string parent)
    {
        var name = entry.FileName.ToString();
        var relative = parent.Length == 0 ? name : $"{parent}/{name}";
        var type = (entry.Attributes & FileAttributes.ReparsePoint) != 0 ? TreeEntryType.Link
            : entry.IsDirectory ? TreeEntryType.Directory
            : TreeEntryType.File;
        return new TreeEntry(relative, type);
    }
}
