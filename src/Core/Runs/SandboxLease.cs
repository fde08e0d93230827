using System.Net;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// The sandbox one run holds, whatever kind it is. The pipeline's stages talk only to this: the kinds differ
/// in how the sandbox is got, how it is frozen while its output is collected, and what happens at the end.
/// </summary>
internal abstract class SandboxLease : IAsyncDisposable
{
    protected SandboxLease(SandboxContainer container, SandboxLayout layout)
    {
        Container = container;
        Layout = layout;
    }

    public SandboxContainer Container { get; }

    public SandboxLayout Layout { get; }

    /// <summary>For messages: "fresh sandbox 1a2b3c4d5e6f".</summary>
    public abstract string Description { get; }

    /// <summary>The session this run belongs to and the commands it ran before, for provenance (warm only).</summary>
    public virtual SessionHistory? Session => null;

    /// <summary>Before the gate: a warm sandbox ends what earlier commands left running, then is proven like a fresh one.</summary>
    public virtual Task SettleAsync(SandboxPolicy policy, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The runtime gate on this sandbox: inspect, engine facts and the probe inside, judged against its layout.</summary>
    public virtual Task<ValidationReport> JudgeAsync(EngineConnection engine, SandboxPolicy policy, HostContext host, IPAddress? listenAddress, CancellationToken cancellationToken) =>
        Gate.JudgeRunningAsync(engine, Container, policy, Layout, host, cancellationToken, listenAddress);

    /// <summary>Stops everything inside from writing, so the output can be collected: a fresh sandbox is killed, a warm one paused.</summary>
    public abstract Task FreezeAsync();

    /// <summary>After collection; a warm sandbox that is still healthy runs on.</summary>
    public virtual Task ThawAsync() => Task.CompletedTask;

    /// <summary>A sandbox that failed its gate is never used again.</summary>
    public virtual Task DiscardAsync() => Task.CompletedTask;

    public abstract ValueTask DisposeAsync();
}
