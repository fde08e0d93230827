using SandboxBuild.Engine;

namespace SandboxBuild.Runs;

/// <summary>
/// A running container someone else started (`validate --container`, e.g. the pattern's compose sandbox):
/// judged like ours, never changed, frozen or removed.
/// </summary>
internal sealed class AttachedLease : SandboxLease
{
    private AttachedLease(SandboxContainer container, SandboxLayout layout)
        : base(container, layout)
    {
    }

    public override string Description => $"container {Container.ShortId}";

    public static AttachedLease Attach(EngineConnection engine, string containerId, RunSetup setup) =>
        new(SandboxContainer.Attach(engine, containerId), setup.Layout(outputDirectory: setup.Source));

    public override Task FreezeAsync() => Task.CompletedTask;

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
