namespace SandboxBuild.Policy;

/// <summary>
/// Host paths as the engine will see them: `~` expanded, made absolute against a base folder, and every
/// symbolic link followed, component by component (realpath with missing tails kept). A mount is judged,
/// and created, by this path, so a committed link cannot point a harmless-looking name at a home folder.
/// </summary>
public static class HostPath
{
    private const int MaxLinks = 40;

    /// <summary>The caller's home folder, for `~` in a path.</summary>
    public static string Home => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? Home + path[1..] : path;

    /// <summary>The absolute path a mount source names, before any link is followed.</summary>
    public static string Lexical(string path, string baseDirectory) => Path.GetFullPath(ExpandHome(path), baseDirectory);

    /// <summary>
    /// The physical path: links followed in order (a `..` after a link climbs from the link's target, as
    /// the kernel does). Components that do not exist are kept as written. Throws <see cref="IOException"/>
    /// on a link loop.
    /// </summary>
    public static string Resolve(string path, string baseDirectory)
    {
        var expanded = ExpandHome(path);
        var pending = new Stack<string>(Components(Path.IsPathRooted(expanded) ? expanded : Path.Combine(baseDirectory, expanded)).Reverse());
        var resolved = "/";
        var links = 0;
        var missing = false;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }

            var candidate = resolved == "/" ? "/" + part : resolved + "/" + part;
            var target = missing ? null : new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                missing = missing || !Path.Exists(candidate);
                resolved = candidate;
                continue;
            }

            if (++links > MaxLinks)
            {
                throw new IOException($"too many levels of symbolic links at '{candidate}'");
            }

            foreach (var next in Components(target).Reverse())
            {
                pending.Push(next);
            }

            if (target.StartsWith('/'))
            {
                resolved = "/";
            }
        }

        return resolved;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it (both absolute and normalized).</summary>
    public static bool IsWithin(string path, string root)
    {
        root = root.Length > 1 ? root.TrimEnd('/') : root;
        path = path.Length > 1 ? path.TrimEnd('/') : path;
        return path == root || root == "/" || path.StartsWith(root + "/", StringComparison.Ordinal);
    }

    private static IEnumerable<string> Components(string path) => path.Split('/');
}
