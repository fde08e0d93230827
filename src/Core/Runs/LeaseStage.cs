using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>
/// The stages that get a run its sandbox: prepare (the image, the probe volume, the publish folder, the
/// restore), then the lease (fresh, warm or attached).
/// </summary>
internal static class LeaseStage
{
    /// <summary>Prepare: the image (by ID), the probe volume, the publish folder and the restore the sandbox mounts.</summary>
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
            PackageFolders = HostRestore.PackageFolders(run.Source),
        };
    }

    /// <summary>
    /// Lease: the sandbox this run holds. A warm sandbox that matches is taken as it is and proven while the
    /// restore runs; any other is created after the restore, whose package folders it mounts.
    /// </summary>
    public static async Task<HeldLease> AcquireAsync(RunRecord run, EngineConnection engine, RunSetup setup, CancellationToken cancellationToken)
    {
        var request = run.Request;
        if (request.Lease == LeaseKind.Attached)
        {
            return new HeldLease(AttachedLease.Attach(engine, request.AttachTo!, setup), Task.CompletedTask);
        }

        if (request.Lease == LeaseKind.Warm)
        {
            return await AcquireWarmAsync(run, engine, setup, cancellationToken);
        }

        using (run.Stage("restore"))
        {
            await RestoreAsync(run, setup, cancellationToken);
        }

        setup = setup with { PackageFolders = HostRestore.PackageFolders(run.Source) };
        var kind = request.Purpose == RunPurpose.Command ? SandboxKinds.Run : request.ProveKind;
        return new HeldLease(await FreshLease.StartAsync(engine, setup, kind, run.Log, cancellationToken), Task.CompletedTask);
    }

    private static async Task<HeldLease> AcquireWarmAsync(RunRecord run, EngineConnection engine, RunSetup setup, CancellationToken cancellationToken)
    {
        var held = await WarmLease.LockAsync(setup, run.Log, cancellationToken);
        try
        {
            if (await WarmLease.FindAsync(engine, setup, held, run.Log, cancellationToken) is { } running)
            {
                return new HeldLease(running, RestoreAsync(run, setup, cancellationToken));
            }

            if (!run.Request.StartWarm)
            {
                throw new SandboxException(Codes.SandboxNotFound, $"No running sandbox '{run.Request.Agent}' for {run.Source}.");
            }

            using (run.Stage("restore"))
            {
                await RestoreAsync(run, setup, cancellationToken);
            }

            setup = setup with { PackageFolders = HostRestore.PackageFolders(run.Source) };
            return new HeldLease(await WarmLease.StartAsync(engine, setup, held, run.Log, cancellationToken), Task.CompletedTask);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    private static Task RestoreAsync(RunRecord run, RunSetup setup, CancellationToken cancellationToken)
    {
        var plan = CommandPlan.For(run.Request.Command, setup.Policy.OutputTarget, TestRunnerMode.Detect(run.Source, run.Request.WorkingDirectory));
        return run.Request.Purpose == RunPurpose.Command && plan.RestoreOnHost && !run.Request.SkipRestore
            ? HostRestore.RunAsync(Path.GetFullPath(run.Request.WorkingDirectory, run.Source), plan.RestoreTarget, plan.RestoreArguments, run.Log, cancellationToken)
            : Task.CompletedTask;
    }
}

/// <summary>A lease and the restore still running beside it (a warm sandbox is proven while the restore runs).</summary>
internal sealed record HeldLease(SandboxLease Lease, Task Restoring) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Restoring;
        }
        catch (Exception e) when (e is SandboxException or OperationCanceledException)
        {
            // Reported by the stage that awaited it, or moot once the run has ended.
        }

        await Lease.DisposeAsync();
    }
}
