using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// The repository's long-lived sandbox for one agent: started by the first warm run (or `start`), reused by
/// later ones, so build servers and incremental build state stay warm inside. It is one trust domain: every
/// use ends what earlier commands left running, clears their output, and is proven again before any command.
/// </summary>
internal sealed class WarmLease : SandboxLease
{
    private readonly EngineConnection _engine;
    private readonly string _source;
    private readonly string _agent;
    private readonly WarmLock _lock;
    private bool _paused;

    private WarmLease(SandboxContainer container, SandboxLayout layout, EngineConnection engine, string source, string agent, SessionHistory history, WarmLock held)
        : base(container, layout)
    {
        _engine = engine;
        _source = source;
        _agent = agent;
        _lock = held;
        Session = history;
    }

    public override string Description => $"warm sandbox '{_agent}' {Container.ShortId}";

    public override SessionHistory Session { get; }

    /// <summary>Takes the warm sandbox's lock: a run holds it from finding (or starting) the sandbox until its lease ends.</summary>
    public static Task<WarmLock> LockAsync(RunSetup setup, ISandboxLog log, CancellationToken cancellationToken) =>
        WarmLock.AcquireAsync(setup.State, setup.Request.Agent, log, cancellationToken);

    /// <summary>
    /// The running sandbox of this repository and agent, if it was made from the same policy and mounts; one that
    /// differs (another policy, probe, or restore: a command that restores another project) is stopped, and
    /// <c>Replaced</c> says so.
    /// </summary>
    public static async Task<(WarmLease? Lease, bool Replaced)> FindAsync(EngineConnection engine, RunSetup setup, WarmLock held, ISandboxLog log, CancellationToken cancellationToken)
    {
        var sandboxes = new WarmSandboxes(engine, log);
        if (await sandboxes.FindAsync(setup.Source, setup.Request.Agent, cancellationToken) is not { } session)
        {
            return (null, false);
        }

        var container = SandboxContainer.Attach(engine, session.ContainerId);
        var description = await container.DescribeAsync(cancellationToken);
        var layout = setup.Layout(OutputMount.PathFor(setup.State, SessionFolder(setup)));
        if (description.Label(SandboxLabels.PolicyHash) != PolicyCanonical.Sha256(setup.Policy) || !SameMounts(description, layout, setup))
        {
            log.Info($"The policy, the restore or the probe differs from sandbox '{setup.Request.Agent}''s: starting a new one.");
            await sandboxes.StopAsync(setup.Source, setup.Request.Agent, all: false, cancellationToken);
            return (null, true);
        }

        return (new WarmLease(container, layout, engine, setup.Source, setup.Request.Agent, SessionHistory.Of(setup.State, setup.Request.Agent, session.RunId), held), false);
    }

    public static async Task<WarmLease> StartAsync(EngineConnection engine, RunSetup setup, WarmLock held, ISandboxLog log, CancellationToken cancellationToken)
    {
        var output = OutputMount.Create(setup.State, SessionFolder(setup), setup.Policy);
        var layout = setup.Layout(output.Path);
        var container = await SandboxFactory.StartAsync(engine, new SandboxRequest
        {
            Policy = setup.Policy,
            Layout = layout,
            Kind = SandboxKinds.Session,
            RunId = setup.RunId,
            RepositoryPath = setup.Source,
            Lifetime = WarmSandboxes.Lifetime,
            Agent = setup.Request.Agent,
            HostPaths = setup.HostPaths,
        }, cancellationToken);
        WarmSandboxes.Touch(setup.Source, setup.Request.Agent, setup.Request.IdleTimeout);
        log.Info($"Started warm sandbox '{setup.Request.Agent}' {container.ShortId} (kept for later runs; `sandboxbuild stop` ends it).");
        return new WarmLease(container, layout, engine, setup.Source, setup.Request.Agent, SessionHistory.Begin(setup.State, setup.Request.Agent, setup.RunId), held);
    }

    /// <summary>
    /// Ends every process but the sandbox's own and the build servers, and empties the output folder, so
    /// nothing an earlier command started can write into this run's output or answer its probe.
    /// </summary>
    public override async Task SettleAsync(SandboxPolicy policy, CancellationToken cancellationToken)
    {
        WarmSandboxes.Touch(_source, _agent);
        var settled = await Container.RunAsync(ProbeRunner.Command("settle", policy.OutputTarget), ProbeRunner.HardenedEnvironment, null, cancellationToken);
        if (settled.ExitCode != 0)
        {
            throw new SandboxException(Codes.StageFailed, $"The warm sandbox could not be settled (exit {settled.ExitCode}): {SafeText.Escape(settled.StdErr.Trim(), 500)}");
        }
    }

    public override async Task FreezeAsync()
    {
        try
        {
            await Container.PauseAsync();
            _paused = true;
        }
        catch (EngineException)
        {
            // Killed at its deadline or limit: a stopped sandbox writes nothing any more. A running one that
            // cannot be frozen is not collected from.
            if ((await Container.DescribeAsync(CancellationToken.None)).Running)
            {
                throw;
            }
        }
    }

    public override async Task ThawAsync()
    {
        if (_paused)
        {
            _paused = false;
            await Container.UnpauseAsync();
        }
    }

    public override async Task DiscardAsync()
    {
        // A running sandbox that no longer proves isolated is not kept for later use either.
        await Janitor.RemoveAsync(_engine, Container.Id);
    }

    public override async ValueTask DisposeAsync()
    {
        // Kept running for the next run; a sandbox killed mid-run (timeout, limit) is gone, and its lease with it.
        if (_paused)
        {
            await ThawAsync();
        }

        _lock.Dispose();
    }

    private static string SessionFolder(RunSetup setup) => $"session-{string.Concat(setup.Request.Agent.Where(char.IsAsciiLetterOrDigit))}";

    /// <summary>Whether the running sandbox has exactly the mounts this run would give a new one (host paths as the engine sees them).</summary>
    private static bool SameMounts(ContainerDescription description, SandboxLayout layout, RunSetup setup)
    {
        var hostPaths = setup.HostPaths;
        var actual = description.Mounts.Select(m => (m.Target, m.Source)).ToHashSet();
        var expected = new List<(string Target, string Source)>
        {
            (setup.Policy.SourceTarget, hostPaths.ToHost(layout.SourceDirectory)),
            (setup.Policy.OutputTarget, hostPaths.ToHost(layout.OutputDirectory)),
            (SandboxLayout.ProbeMount, layout.ProbeVolume ?? ""),
        };
        expected.AddRange(layout.PackageFolders.Select((folder, i) => (SandboxLayout.PackageTarget(i), hostPaths.ToHost(folder))));
        expected.AddRange(layout.ExtraMounts.Select(m => (m.Target, hostPaths.ToHost(m.Source))));
        return actual.SetEquals(expected);
    }
}
