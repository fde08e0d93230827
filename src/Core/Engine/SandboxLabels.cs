using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SandboxBuild.Engine;

/// <summary>
/// Labels on every container and volume SandboxBuild creates: they say which run and repository it belongs
/// to, who owns it and when it expires, so leftovers of a crashed run are found and removed by the next one.
/// </summary>
public static class SandboxLabels
{
    public const string Managed = "dev.sandboxbuild.managed";
    public const string Run = "dev.sandboxbuild.run";
    public const string Repo = "dev.sandboxbuild.repo";
    public const string RepoPath = "dev.sandboxbuild.repo-path";
    public const string Kind = "dev.sandboxbuild.kind";
    public const string Agent = "dev.sandboxbuild.agent";
    public const string Owner = "dev.sandboxbuild.owner";
    public const string Expires = "dev.sandboxbuild.expires";
    public const string PolicyHash = "dev.sandboxbuild.policy";

    /// <summary>The state root of the process that made the sandbox: where a janitor records it if it is abandoned.</summary>
    public const string State = "dev.sandboxbuild.state";

    public static string RepoId(string repoPath) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(repoPath).TrimEnd('/'))))[..16];

    public static string NewRunId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

    /// <summary>This process, as `host:pid`, so a later run can tell whether the owner is still alive.</summary>
    public static string CurrentOwner() => $"{Environment.MachineName}:{Environment.ProcessId}";

    public static Dictionary<string, string> For(string kind, string runId, string repoPath, string policyHash, DateTimeOffset expires, string agent = "default") => new()
    {
        [Managed] = "true",
        [Kind] = kind,
        [Run] = runId,
        [Repo] = RepoId(repoPath),
        [RepoPath] = Path.GetFullPath(repoPath),
        [Agent] = agent,
        [Owner] = CurrentOwner(),
        [Expires] = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        [PolicyHash] = policyHash,
        [State] = Host.StateRoot.Path(),
    };
}
