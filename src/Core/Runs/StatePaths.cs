using SandboxBuild.Engine;

namespace SandboxBuild.Runs;

/// <summary>
/// Where SandboxBuild keeps a repository's state on the host: run logs, the audit log, and the private folders
/// sandboxes write their output to. Outside the repository, private to the user (0700).
/// </summary>
public sealed class StatePaths
{
    private StatePaths(string root) => Root = root;

    public string Root { get; }

    public string AuditLog => Path.Combine(Root, "audit.jsonl");

    public string RunsFolder => Path.Combine(Root, "runs");

    public static StatePaths For(string repositoryPath)
    {
        var baseFolder = Environment.GetEnvironmentVariable("SANDBOXBUILD_STATE_DIR") is { Length: > 0 } configured
            ? configured
            : Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
                ? Path.Combine(xdg, "sandboxbuild")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state", "sandboxbuild");
        var root = Path.Combine(baseFolder, SandboxLabels.RepoId(repositoryPath));
        CreatePrivate(baseFolder);
        CreatePrivate(root);
        CreatePrivate(Path.Combine(root, "runs"));
        return new StatePaths(root);
    }

    public string RunLog(string runId) => Path.Combine(RunsFolder, $"{runId}.log");

    public string RunFolder(string runId) => Path.Combine(RunsFolder, runId);

    public static void CreatePrivate(string path)
    {
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
