using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Runs;

/// <summary>A long-lived sandbox of a repository (one per agent name), as the engine lists it.</summary>
public sealed record SessionInfo(string ContainerId, string Agent, string State, string Image, DateTime Created, string Kind, string RunId);

/// <summary>
/// The repository's long-lived sandboxes, for `status`, `stop` and the warm lease: listing, stopping, and
/// the idle clock (a warm sandbox unused for longer than its idle timeout is removed by the next command).
/// </summary>
public sealed class WarmSandboxes(EngineConnection engine, ISandboxLog log)
{
    /// <summary>The longest a long-lived sandbox lives, used or not; idle ones end sooner (see <see cref="SweepIdleAsync"/>).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    public static readonly TimeSpan DefaultIdle = TimeSpan.FromMinutes(30);

    public async Task<IReadOnlyList<SessionInfo>> ListAsync(string repository, bool allKinds, CancellationToken cancellationToken)
    {
        var filters = new List<string> { $"{SandboxLabels.Repo}={SandboxLabels.RepoId(repository)}" };
        if (!allKinds)
        {
            filters.Add($"{SandboxLabels.Kind}={SandboxKinds.Session}");
        }

        return (await Janitor.ListAsync(engine, filters, cancellationToken)).Select(c => new SessionInfo(
            c.Id, c.Label(SandboxLabels.Agent) ?? "default", c.State, c.Image, c.Created,
            c.Label(SandboxLabels.Kind) ?? "", c.Label(SandboxLabels.Run) ?? "")).ToArray();
    }

    public async Task<SessionInfo?> FindAsync(string repository, string agent, CancellationToken cancellationToken) =>
        (await ListAsync(repository, allKinds: false, cancellationToken)).FirstOrDefault(s => s.Agent == agent && s.State == "running");

    /// <summary>Stops sandboxes of the repository: one agent's session, or (all) every sandbox of it, runs included.</summary>
    public async Task<int> StopAsync(string repository, string? agent, bool all, CancellationToken cancellationToken)
    {
        var stopped = 0;
        foreach (var session in await ListAsync(repository, allKinds: all, cancellationToken))
        {
            if (!all && agent is not null && session.Agent != agent)
            {
                continue;
            }

            if (await Janitor.RemoveAsync(engine, session.ContainerId))
            {
                log.Info($"Stopped {session.Kind} sandbox {session.ContainerId[..12]} (agent {session.Agent}).");
                stopped++;
            }
        }

        return stopped;
    }

    /// <summary>Records a use of the session: it ends when idle for longer than its idle timeout.</summary>
    public static void Touch(string source, string agent, TimeSpan? idle = null)
    {
        var file = ActivityFile(source, agent);
        var keep = idle ?? (ReadActivity(file) is { } previous ? previous.Idle : DefaultIdle);
        File.WriteAllText(file, $"{DateTimeOffset.UtcNow.ToUnixTimeSeconds()} {(long)keep.TotalSeconds}");
    }

    /// <summary>Removes every long-lived sandbox (of any repository) idle for longer than its idle timeout.</summary>
    public static async Task SweepIdleAsync(EngineConnection engine, ISandboxLog log, CancellationToken cancellationToken)
    {
        foreach (var sandbox in await Janitor.ListAsync(engine, [$"{SandboxLabels.Kind}={SandboxKinds.Session}"], cancellationToken))
        {
            if (sandbox.Label(SandboxLabels.RepoPath) is not { } repo || sandbox.Label(SandboxLabels.Agent) is not { } agent
                || ReadActivity(ActivityFile(repo, agent)) is not { } activity || activity.LastUsed + activity.Idle > DateTimeOffset.UtcNow)
            {
                continue;
            }

            if (await Janitor.RemoveAsync(engine, sandbox.Id))
            {
                log.Detail($"stopped idle sandbox {sandbox.ShortId} (agent {agent}, idle since {activity.LastUsed:u})");
            }
        }
    }

    private static string ActivityFile(string source, string agent)
    {
        var folder = Path.Combine(StatePaths.For(source).Root, "sessions");
        StatePaths.CreatePrivate(folder);
        return Path.Combine(folder, $"{string.Concat(agent.Where(char.IsAsciiLetterOrDigit))}.activity");
    }

    private static (DateTimeOffset LastUsed, TimeSpan Idle)? ReadActivity(string file)
    {
        var parts = File.Exists(file) ? File.ReadAllText(file).Split(' ') : [];
        return parts.Length == 2 && long.TryParse(parts[0], out var last) && long.TryParse(parts[1], out var idle)
            ? (DateTimeOffset.FromUnixTimeSeconds(last), TimeSpan.FromSeconds(idle))
            : null;
    }
}
