namespace SandboxBuild.Probing;

/// <summary>
/// Copies the read-only source into the writable workspace the build runs in. Nothing of the repository's
/// bin/ or obj/ is copied: the sandbox builds from source, and restore results come only from the restore
/// sandbox (`--overlay DIR`, laid over the staged tree with their relative paths), never from files the
/// repository carries (a stray assets file would choose package folders; an obj/*.targets file would be
/// imported by MSBuild). A second run only copies what changed and removes what was deleted, so a warm sandbox builds incrementally.
/// It runs as the sandbox user, so it reads exactly what the sandbox may read: a file or folder it cannot read
/// (git's private files, a developer's 0600 .env owned by another uid) is skipped and named on stdout, never
/// read with more privilege. A `.git` folder is linked, not copied: the build only reads it, and copying a
/// large history would cost every fresh run seconds.
/// </summary>
internal static class Stager
{
    public static int Run(string[] args)
    {
        string? from = null, to = null, overlay = null;
        var excludes = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--from": from = args[i + 1]; break;
                case "--to": to = args[i + 1]; break;
                case "--exclude": excludes.Add(args[i + 1].Trim('/')); break;
                case "--overlay": overlay = args[i + 1]; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }

        if (from is null || to is null)
        {
            throw new ArgumentException("--from and --to are required");
        }

        var stats = new Stats();
        Sync(from, to, "", excludes, stats);
        var overlaid = overlay is null ? 0 : Overlay(overlay, to, stats);
        foreach (var path in stats.Unreadable)
        {
            Console.Out.WriteLine(StagingOutput.UnreadableLine(path));
        }

        Console.Out.WriteLine($"staged {stats.Copied} changed of {stats.Seen} files, removed {stats.Removed}, skipped {stats.Unreadable.Count} unreadable, overlaid {overlaid} restore outputs");
        return 0;
    }

    /// <summary>Empties a folder (the output, between two commands of a warm sandbox) without following links.</summary>
    public static int Clear(string folder)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            DeleteAny(entry.FullName);
        }

        return 0;
    }

    private sealed class Stats
    {
        public int Seen { get; set; }

        public int Copied { get; set; }

        public int Removed { get; set; }

        public List<string> Unreadable { get; } = [];
    }

    private static void Sync(string sourceRoot, string targetRoot, string relative, HashSet<string> excludes, Stats stats)
    {
        var source = Path.Combine(sourceRoot, relative);
        var target = Path.Combine(targetRoot, relative);
        Directory.CreateDirectory(target);
        var inObj = Path.GetFileName(relative) == "obj";
        var kept = new HashSet<string>(StringComparer.Ordinal);

        foreach (var entry in Entries(source, relative, stats))
        {
            var childRelative = Path.Combine(relative, entry.Name);
            if (excludes.Contains(childRelative) || (entry.Name == "bin" && entry is DirectoryInfo))
            {
                continue;
            }

            if (inObj)
            {
                continue; // the repository's own obj/ is never trusted; restore's outputs are overlaid from the restore sandbox
            }

            kept.Add(entry.Name);
            var destination = Path.Combine(target, entry.Name);
            if (entry is DirectoryInfo && entry.Name == ".git" && entry.LinkTarget is null)
            {
                // Read-only history, used in place: git, MinVer and SourceLink only read it.
                LinkTo(Path.Combine(sourceRoot, childRelative), destination, stats);
            }
            else if (entry.LinkTarget is { } link)
            {
                // Links stay links inside the sandbox; they are never followed here.
                LinkTo(link, destination, stats);
            }
            else if (entry is DirectoryInfo)
            {
                Sync(sourceRoot, targetRoot, childRelative, excludes, stats);
            }
            else if (entry is FileInfo file)
            {
                stats.Seen++;
                try
                {
                    if (CopyIfChanged(file, destination))
                    {
                        stats.Copied++;
                    }
                }
                catch (UnauthorizedAccessException)
                {
                    stats.Unreadable.Add(childRelative);
                    kept.Remove(entry.Name);
                }
            }
        }

        // What the source no longer has goes, except the build's own outputs.
        foreach (var existing in new DirectoryInfo(target).EnumerateFileSystemInfos())
        {
            if (!kept.Contains(existing.Name) && !(existing.Name is "bin" or "obj" && existing is DirectoryInfo) && !inObj)
            {
                DeleteAny(existing.FullName);
                stats.Removed++;
            }
        }
    }

    /// <summary>The folder's entries, or none (and the folder named as unreadable) when the sandbox user cannot list it.</summary>
    private static IEnumerable<FileSystemInfo> Entries(string folder, string relative, Stats stats)
    {
        try
        {
            return new DirectoryInfo(folder).GetFileSystemInfos();
        }
        catch (UnauthorizedAccessException)
        {
            stats.Unreadable.Add(relative.Length == 0 ? "." : relative + "/");
            return [];
        }
    }

    private static void LinkTo(string link, string destination, Stats stats)
    {
        stats.Seen++;
        if (new FileInfo(destination).LinkTarget != link)
        {
            DeleteAny(destination);
            File.CreateSymbolicLink(destination, link);
            stats.Copied++;
        }
    }

    /// <summary>
    /// Lays the restore sandbox's outputs over the workspace: only files named as restore writes them
    /// (<see cref="RestoreOutputs.Names"/>), regular, never through a link, and only when changed, so an
    /// unchanged restore leaves a warm sandbox's incremental build alone. The results folder was writable by
    /// the repository's code during restore: anything else in it (a `Program.cs`, a `Directory.Build.props`) is
    /// ignored, or a poisoned restore, reused later, would replace source files.
    /// </summary>
    private static int Overlay(string overlay, string targetRoot, Stats stats)
    {
        var copied = 0;
        var pending = new Stack<string>([overlay]);
        while (pending.Count > 0)
        {
            foreach (var entry in Entries(pending.Pop(), "", stats))
            {
                if (entry.LinkTarget is not null)
                {
                    continue;
                }

                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                    continue;
                }

                if (!RestoreOutputs.IsRestoreOutput(entry.Name))
                {
                    continue;
                }

                var destination = Path.Combine(targetRoot, Path.GetRelativePath(overlay, entry.FullName));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                if (CopyIfChanged((FileInfo)entry, destination))
                {
                    copied++;
                }
            }
        }

        return copied;
    }

    private static bool CopyIfChanged(FileInfo file, string destination)
    {
        var current = new FileInfo(destination);
        if (current.Exists && current.LinkTarget is null && current.Length == file.Length && current.LastWriteTimeUtc == file.LastWriteTimeUtc)
        {
            return false;
        }

        DeleteAny(destination);
        File.Copy(file.FullName, destination);
        File.SetUnixFileMode(destination, file.UnixFileMode & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup | UnixFileMode.StickyBit) | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(destination, file.LastWriteTimeUtc);
        return true;
    }

    private static void DeleteAny(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null || info.Exists)
        {
            info.Delete();
        }
        else if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
