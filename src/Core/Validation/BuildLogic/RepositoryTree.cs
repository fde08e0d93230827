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
/// and not entered) and without `.git`. A folder that cannot be listed is reported, not skipped silently.
/// Only folders and build-file names are stat'ed (a link to a plain file is found when it is read), which
/// keeps the walk of a few thousand files to a few milliseconds.
/// </summary>
public sealed class RepositoryTree
{
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
        using var walker = new Walker(root);
        var entries = new List<TreeEntry>();
        while (walker.MoveNext())
        {
            entries.Add(walker.Current);
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return new RepositoryTree(root, entries, walker.Unreadable);
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

    private sealed class Walker(string directory) : FileSystemEnumerator<TreeEntry>(directory, Options)
    {
        private readonly int _rootLength = directory.Length;

        private static readonly EnumerationOptions Options = new()
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
            ReturnSpecialDirectories = false,
        };

        public List<string> Unreadable { get; } = [];

        // .NET enters linked folders by default; the gate never does.
        protected override bool ShouldRecurseIntoEntry(ref FileSystemEntry entry) =>
            (entry.Attributes & FileAttributes.ReparsePoint) == 0 && !entry.FileName.SequenceEqual(".git");

        protected override TreeEntry TransformEntry(ref FileSystemEntry entry)
        {
            var parent = entry.Directory.Length > _rootLength ? entry.Directory[(_rootLength + 1)..].ToString() : "";
            var name = entry.FileName.ToString();
            var relative = parent.Length == 0 ? name : $"{parent}/{name}";
            var mayBeLink = entry.IsDirectory || BuildFileNames.Classify(name) is not null;
            var type = mayBeLink && (entry.Attributes & FileAttributes.ReparsePoint) != 0 ? TreeEntryType.Link
                : entry.IsDirectory ? TreeEntryType.Directory
                : TreeEntryType.File;
            return new TreeEntry(relative, type);
        }

        // The errno of a folder that could not be opened; the gate fails closed on it.
        protected override bool ContinueOnError(int error)
        {
            Unreadable.Add($"a folder (error {error})");
            return true;
        }
    }
}
