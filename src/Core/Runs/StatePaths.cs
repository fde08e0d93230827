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

    /// <param name="stateRoot">Another process's state root (from a sandbox's label); default: this process's.</param>
    public static StatePaths For(string repositoryPath, string? stateRoot = null)
    {
        var root = Path.Combine(stateRoot ?? Host.StateRoot.Path(), SandboxLabels.RepoId(repositoryPath));
        CreatePrivate(root);
        CreatePrivate(Path.Combine(root, "runs"));
        return new StatePaths(root);
    }

    public string RunLog(string runId) => Path.Combine(RunsFolder, $"{runId}.log");

    public string RunFolder(string runId) => Path.Combine(RunsFolder, runId);

    public static void CreatePrivate(string path) => Host.StateRoot.CreatePrivate(path);
}
