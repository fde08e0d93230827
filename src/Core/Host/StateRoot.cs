namespace SandboxBuild.Host;

/// <summary>
/// The host folder where SandboxBuild keeps what only it writes: per-repository state, the records of the
/// output folders it created, the baked image's ID. Outside any repository, private to the user (0700):
/// SANDBOXBUILD_STATE_DIR, else $XDG_STATE_HOME/sandboxbuild, else ~/.local/state/sandboxbuild.
/// </summary>
public static class StateRoot
{
    public static string Path()
    {
        var folder = Environment.GetEnvironmentVariable("SANDBOXBUILD_STATE_DIR") is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
                ? System.IO.Path.Combine(xdg, "sandboxbuild")
                : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "sandboxbuild");
        CreatePrivate(folder);
        return folder;
    }

    /// <summary>A private folder below the state root, created on first use.</summary>
    public static string Folder(string name)
    {
        var folder = System.IO.Path.Combine(Path(), name);
        CreatePrivate(folder);
        return folder;
    }

    public static void CreatePrivate(string path) =>
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>Writes a file only the user can read (0600), replacing it atomically.</summary>
    public static void WritePrivate(string path, string content)
    {
        var temporary = path + $".{Environment.ProcessId}.tmp";
        using (var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
