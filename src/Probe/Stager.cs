namespace SandboxBuild.Probing;

/// <summary>
/// Copies the read-only source into the writable workspace the build runs in. Nothing of the repository's
/// bin/ or obj/ is copied: the sandbox builds from source, and restore results come only from the restore
/// sandbox (`--overlay DIR`, laid over the staged tree with their relative paths), never from files the
/// repository carries. A second run only copies what changed and removes what was deleted, so a warm
/// sandbox builds incrementally.
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
        var overlaid = overlay is null ? 0 : Overlay(overlay, to);
        Console.Out.WriteLine($"staged {stats.Copied} changed of {stats.Seen} files, removed {stats.Removed}, overlaid {overlaid} restore outputs");
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
    }

    private static void Sync(string sourceRoot, string targetRoot, string relative, HashSet<string> excludes, Stats stats)
    {
        var source = Path.Combine(sourceRoot, relative);
        var target = Path.Combine(targetRoot, relative);
        Directory.CreateDirectory(target);
        var inObj = Path.GetFileName(relative) == "obj";
        var kept = new HashSet<string>(StringComparer.Ordinal);

        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var childRelative = Path.Combine(relative, entry.Name);
            if (excludes.Contains(childRelative) || (entry.Name == "bin" && entry is DirectoryInfo))
            {
                continue;
            }

            if (inObj)
            {
                continue; // the repository's own obj/ is never trusted: a stray assets file would steer the build
            }

            kept.Add(entry.Name);
            var destination = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                // Links stay links inside the sandbox; they are never followed here.
                stats.Seen++;
                if (new FileInfo(destination).LinkTarget != link)
                {
                    DeleteAny(destination);
                    File.CreateSymbolicLink(destination, link);
                    stats.Copied++;
                }
            }
            else if (entry is DirectoryInfo)
            {
                Sync(sourceRoot, targetRoot, childRelative, excludes, stats);
            }
            else if (entry is FileInfo file)
            {
                stats.Seen++;
                if (CopyIfChanged(file, destination))
                {
                    stats.Copied++;
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

    /// <summary>Lays the restore sandbox's outputs over the workspace: regular files only, never through a link.</summary>
    private static int Overlay(string overlay, string targetRoot)
    {
        var copied = 0;
        var pending = new Stack<string>([overlay]);
        while (pending.Count > 0)
        {
            foreach (var entry in new DirectoryInfo(pending.Pop()).EnumerateFileSystemInfos())
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

                var destination = Path.Combine(targetRoot, Path.GetRelativePath(overlay, entry.FullName));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                DeleteAny(destination);
                File.Copy(entry.FullName, destination);
                File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                copied++;
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
