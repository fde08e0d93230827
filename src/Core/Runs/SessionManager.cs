using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>A long-lived sandbox of a repository (one per agent name), as the engine lists it.</summary>
public sealed record SessionInfo(string ContainerId, string Agent, string State, string Image, DateTime Created, string Kind, string RunId);

/// <summary>
/// Long-lived sandboxes for `start`, `exec`, `shell`, `status` and `stop`. Every use re-proves the running
/// sandbox (docker inspect and fresh probes) before the command runs, re-stages the source, and publishes
/// that command's output through the collector while the sandbox is frozen, so nothing writes during it.
/// </summary>
public sealed class SessionManager(EngineConnection engine, ISandboxLog log)
{
    public const string Kind = "session";

    /// <summary>The longest a long-lived sandbox lives, used or not; idle ones end sooner (see <see cref="SweepIdleAsync"/>).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(12);

    public static readonly TimeSpan DefaultIdle = TimeSpan.FromMinutes(30);

    public async Task<IReadOnlyList<SessionInfo>> ListAsync(string repository, bool allKinds, CancellationToken cancellationToken)
    {
        var filters = new List<string> { $"{SandboxLabels.Repo}={SandboxLabels.RepoId(repository)}" };
        if (!allKinds)
        {
            filters.Add($"{SandboxLabels.Kind}={Kind}");
        }

        var containers = await Janitor.ListAsync(engine, filters, cancellationToken);
        return containers.Select(c => new SessionInfo(
            c.ID, Label(c.Labels, SandboxLabels.Agent) ?? "default", c.State, c.Image, c.Created,
            Label(c.Labels, SandboxLabels.Kind) ?? "", Label(c.Labels, SandboxLabels.Run) ?? "")).ToArray();

        static string? Label(IDictionary<string, string>? labels, string key) => labels is not null && labels.TryGetValue(key, out var value) ? value : null;
    }

    public async Task<SessionInfo?> FindAsync(string repository, string agent, CancellationToken cancellationToken) =>
        (await ListAsync(repository, allKinds: false, cancellationToken)).FirstOrDefault(s => s.Agent == agent && s.State == "running");

    /// <summary>Starts (or finds) the session and, unless the caller proves it right after, proves it.</summary>
    public async Task<SessionInfo> StartAsync(string source, SandboxPolicy policy, string agent, TimeSpan idle, bool prove, CancellationToken cancellationToken,
        Restore.RestoreResult? restore = null)
    {
        if (await FindAsync(source, agent, cancellationToken) is { } existing)
        {
            log.Info($"Sandbox '{agent}' of this repository is already running ({existing.ContainerId[..12]}).");
            return existing;
        }

        var image = await ImageResolver.ResolveAsync(engine, policy, log, cancellationToken);
        policy = policy with { Image = image.Reference };
        var runId = SandboxLabels.NewRunId();
        var state = StatePaths.For(source);
        var output = OutputMount.Create(state, $"session-{agent}", policy);
        var layout = RestorePreparation.With(await SandboxFactory.LayoutAsync(engine, policy, source, output.Path, cancellationToken), restore);
        var container = await SandboxFactory.StartAsync(engine, new SandboxRequest
        {
            Policy = policy,
            Layout = layout,
            Kind = Kind,
            RunId = runId,
            RepositoryPath = source,
            Lifetime = DefaultLifetime,
            Agent = agent,
        }, cancellationToken);
        container.KeepOnDispose = true;
        Touch(source, agent, idle);
        if (!prove)
        {
            log.Info($"Sandbox '{agent}' started: {container.ShortId} (kept warm; `sandboxbuild stop` ends it).");
            return (await FindAsync(source, agent, cancellationToken))!;
        }

        var report = await Gate.JudgeRunningAsync(engine, container, policy, layout, HostContext.Current(source), cancellationToken);
        Reporting.ConsoleReport.LogFailures(report, log);
        log.Info(Reporting.ConsoleReport.Summary(report));
        if (!report.Passed)
        {
            await container.RemoveAsync();
            throw new SandboxException(Codes.ProbeFailed, "The new sandbox failed the security gate and was removed.", report.Failures.First().Code.Fix);
        }

        log.Info($"Sandbox '{agent}' started: {container.ShortId}. Use `sandboxbuild exec -- <command>` or `sandboxbuild shell`; `sandboxbuild stop` ends it.");
        return (await FindAsync(source, agent, cancellationToken))!;
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
        foreach (var container in await Janitor.ListAsync(engine, [$"{SandboxLabels.Kind}={Kind}"], cancellationToken))
        {
            if (container.Labels?.TryGetValue(SandboxLabels.RepoPath, out var repo) != true || container.Labels.TryGetValue(SandboxLabels.Agent, out var agent) != true
                || ReadActivity(ActivityFile(repo!, agent!)) is not { } activity || activity.LastUsed + activity.Idle > DateTimeOffset.UtcNow)
            {
                continue;
            }

            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
            log.Detail($"stopped idle sandbox {container.ID[..12]} (agent {agent}, idle since {activity.LastUsed:u})");
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

            await engine.Client.Containers.RemoveContainerAsync(session.ContainerId, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
            log.Info($"Stopped {session.Kind} sandbox {session.ContainerId[..12]} (agent {session.Agent}).");
            stopped++;
        }

        return stopped;
    }
}
