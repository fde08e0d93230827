using System.Net;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// A running container someone else started (`validate --container`, e.g. the pattern's compose sandbox):
/// judged like ours, never changed, frozen or removed.
/// </summary>
internal sealed class AttachedLease : SandboxLease
{
    private readonly string? _outputTarget;

    private AttachedLease(SandboxContainer container, SandboxLayout layout, string? outputTarget)
        : base(container, layout)
    {
        _outputTarget = outputTarget;
    }

    public override string Description => $"container {Container.ShortId}";

    public static AttachedLease Attach(EngineConnection engine, string containerId, RunSetup setup) =>
        new(SandboxContainer.Attach(engine, containerId), setup.Layout(outputDirectory: setup.Source), setup.Request.AttachedOutputTarget);

    /// <summary>Judged by the layout `docker inspect` shows, not by SandboxBuild's own conventions.</summary>
    public override Task<ValidationReport> JudgeAsync(EngineConnection engine, SandboxPolicy policy, HostContext host, IPAddress? listenAddress, CancellationToken cancellationToken) =>
        ContainerGate.JudgeAsync(engine, Container.Id, policy, host, _outputTarget, cancellationToken, listenAddress);

    public override Task FreezeAsync() => Task.CompletedTask;

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
