using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>
/// The stages that get a run its sandbox: prepare (the image, the probe volume, the publish folder), then
/// the lease (fresh, warm or attached), made from the policy and the restore stage's folders.
/// </summary>
internal static class LeaseStage
{
    /// <summary>Prepare: the image (by ID), the probe volume and the publish folder.</summary>
    public static async Task<RunSetup> PrepareAsync(RunRecord run, EngineConnection engine, SandboxPolicy policy, CancellationToken cancellationToken)
    {
        var image = await ImageResolver.ResolveAsync(engine, policy, run.Log, cancellationToken);
        run.Image = image;
        run.Policy = policy = policy with { Image = image.Reference };
        var probeVolume = ProbeVolume.EnsureAsync(engine, image.Reference, cancellationToken);
        if (run.PublishDirectory is { } publish)
        {
            PublishFolder.Prepare(publish, run.Source);
        }

        return new RunSetup
        {
            HostPaths = run.Request.TranslateOwnContainerPaths ? await OwnContainer.HostPathsAsync(engine, cancellationToken) : run.Request.HostPaths,
            RunId = run.RunId,
            Source = run.Source,
            State = run.State,
            Request = run.Request,
            Policy = policy,
            Image = image,
            ProbeVolume = await probeVolume,
        };
    }

    /// <summary>
    /// Lease: the sandbox this run holds. A warm sandbox is taken as it is when it has exactly the mounts this run
    /// would give a new one (the same restore's folders included); any other is created.
    /// </summary>
    public static async Task<SandboxLease> AcquireAsync(RunRecord run, EngineConnection engine, RunSetup setup, CancellationToken cancellationToken)
    {
        var request = run.Request;
        if (request.Lease == LeaseKind.Attached)
        {
            return AttachedLease.Attach(engine, request.AttachTo!, setup);
        }

        if (request.Lease == LeaseKind.Warm)
        {
            return await AcquireWarmAsync(run, engine, setup, cancellationToken);
        }

        var kind = request.Purpose == RunPurpose.Command ? SandboxKinds.Run : request.ProveKind;
        return await FreshLease.StartAsync(engine, setup, kind, run.Log, cancellationToken);
    }

    private static async Task<SandboxLease> AcquireWarmAsync(RunRecord run, EngineConnection engine, RunSetup setup, CancellationToken cancellationToken)
    {
        var held = await WarmLease.LockAsync(setup, run.Log, cancellationToken);
        try
        {
            var (running, replaced) = await WarmLease.FindAsync(engine, setup, held, run.Log, cancellationToken);
            if (running is not null)
            {
                return running;
            }

            if (!run.Request.StartWarm && !replaced)
            {
                throw new SandboxException(Codes.SandboxNotFound, $"No running sandbox '{run.Request.Agent}' for {run.Source}.");
            }

            return await WarmLease.StartAsync(engine, setup, held, run.Log, cancellationToken);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }
}
