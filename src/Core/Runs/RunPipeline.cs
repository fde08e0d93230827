using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Validation;
using SandboxBuild.Validation.BuildLogic;

namespace SandboxBuild.Runs;

/// <summary>
/// The one run pipeline. Every entry point (the CLI's run, exec, start, validate and demo; the MSBuild tasks
/// through the CLI; the action) hands a <see cref="RunRequest"/> here, and every run goes through the same
/// stages whatever sandbox it holds:
/// policy -> static gate -> engine -> prepare (image, probe, restore) -> lease (fresh, warm or attached)
/// -> runtime gate -> stage the source -> run and watch -> freeze and collect -> report and audit.
/// A run that ends in any stage leaves the same evidence: its log, its audit record, the output written so
/// far, and an exit code that says which stage stopped it.
/// </summary>
public sealed class RunPipeline(ISandboxLog log)
{
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        using var run = RunRecord.Begin(request, log);
        try
        {
            await StagesAsync(run, cancellationToken);
        }
        catch (SandboxException e)
        {
            run.Fail(e);
        }
        catch (EngineException e)
        {
            run.Fail(new SandboxException(Codes.EngineRequestFailed, e.Message));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.EndedAs = RunOutcome.Cancelled;
        }

        var result = RunSummary.Result(run);
        RunSummary.Report(result, run.Log);
        AuditLog.Append(run.State.AuditLog, RunSummary.AuditRecord(result, run));
        return result;
    }

    private static async Task StagesAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var request = run.Request;
        PolicyResolution resolution;
        Baseline? baseline;
        using (run.Stage("policy"))
        {
            resolution = ResolvePolicy(run);
            baseline = request.BaselineFile is null ? null : Baseline.Read(request.BaselineFile);
        }

        var policy = resolution.Policy;
        var host = HostContext.Current(run.Source);
        ValidationReport staticReport;
        using (run.Stage("static gate"))
        {
            staticReport = JudgeStatic(run, resolution, host);
        }

        // A command never starts on a policy that fails; a proving run (validate) goes on to show the same
        // weakness from inside too, since nothing of the repository runs in it.
        if ((!staticReport.Passed && request.Purpose == RunPurpose.Command) || request.StaticOnly)
        {
            Decide(run, staticReport, baseline, policy);
            if (!run.Verdict!.Passed)
            {
                run.Log.Info("Nothing was started.");
            }

            return;
        }

        if (request.Purpose == RunPurpose.Command)
        {
            SourceAccess.EnsureReadable(run.Source, policy);
        }

        EngineConnection engine;
        using (run.Stage("engine"))
        {
            engine = await EngineConnection.ConnectAsync(run.Log, cancellationToken);
        }

        using var connection = engine;
        var sweeping = Sweeper.SweepAsync(engine, run.Log, cancellationToken);
        try
        {
            RunSetup setup;
            using (run.Stage("prepare"))
            {
                setup = await PrepareAsync(run, engine, policy, cancellationToken);
            }

            HeldLease held;
            using (run.Stage("lease"))
            {
                held = await AcquireAsync(run, engine, setup, cancellationToken);
            }

            await using var lease = held;
            run.ContainerId = lease.Lease.Container.Id;
            await ProveAndRunAsync(run, engine, setup, lease, staticReport, baseline, host, cancellationToken);
        }
        finally
        {
            await sweeping;
        }
    }

    /// <summary>
    /// Policy: the trusted floor with the repository's policy merged on top (tighten-only), the command and the
    /// publish folder. A refused loosening never takes effect; it fails the static gate.
    /// </summary>
    private static PolicyResolution ResolvePolicy(RunRecord run)
    {
        var request = run.Request;
        var inputs = request.PolicyInputs();
        var resolution = PolicyResolver.Resolve(inputs, run.Source);
        if (request.Purpose == RunPurpose.Command)
        {
            run.Command = CommandPlan.For(request.Command, resolution.Policy.OutputTarget, TestRunnerMode.Detect(run.Source, request.WorkingDirectory)).Command;
            run.PublishDirectory = Path.GetFullPath(request.PublishDirectory ?? resolution.Policy.OutputPath, run.Source);
            if (TestRunArtifacts.IsTestRun(run.Command))
            {
                // A test run publishes its reports unless the trusted side declared more: a default of the floor, which
                // the repository may narrow but never widen.
                resolution = PolicyResolver.Resolve(inputs with
                {
                    DefaultArtifactInclude = TestRunArtifacts.IncludeFor(run.Command, resolution.Policy.OutputTarget, []),
                }, run.Source);
            }
        }

        foreach (var notice in resolution.Notices)
        {
            run.Log.Warning(notice.Code, notice.Message, notice.Location);
        }

        run.Policy = resolution.Policy;
        run.Log.Detail($"[input] source={run.Source} policy={resolution.RepositoryFile ?? resolution.Policy.Origin.File ?? "built-in"} lease={request.Lease} publish={run.PublishDirectory} run={run.RunId}");
        run.Log.Detail($"[input] command={(run.Command is null ? "(none: prove the sandbox)" : string.Join(' ', run.Command))}");
        RepositoryRequests.Log(request.RepositorySettings, run.Log);
        return resolution;
    }

    /// <summary>Static gate: the policy and any compose files, judged before anything starts.</summary>
    private static ValidationReport JudgeStatic(RunRecord run, PolicyResolution resolution, HostContext host)
    {
        var report = Gate.JudgeStatic(resolution, run.Source, host);
        foreach (var file in run.Request.ComposeFiles)
        {
            report = report.With(Validation.Compose.ComposeReader.Judge(file, host));
        }

        if (run.Request.BuildLogicRecord is { } record)
        {
            report = report.With(BuildLogicGate.Judge(run.Source, record, BuildLogicOptions.ForThisHost()).Report.Findings);
        }

        return report;
    }

    /// <summary>Prepare: the image (by ID), the probe volume, the publish folder and the restore the sandbox mounts.</summary>
    private static async Task<RunSetup> PrepareAsync(RunRecord run, EngineConnection engine, SandboxPolicy policy, CancellationToken cancellationToken)
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
    private static async Task<HeldLease> AcquireAsync(RunRecord run, EngineConnection engine, RunSetup setup, CancellationToken cancellationToken)
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

    /// <summary>
    /// Runtime gate, then (for a command) stage, run and watch, then freeze and collect, all under the run's
    /// deadline, which kills the sandbox when it passes.
    /// </summary>
    private static async Task ProveAndRunAsync(
        RunRecord run, EngineConnection engine, RunSetup setup, HeldLease held, ValidationReport staticReport, Baseline? baseline, HostContext host,
        CancellationToken cancellationToken)
    {
        var (lease, restoring) = (held.Lease, held.Restoring);
        var request = run.Request;
        var policy = setup.Policy;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(policy.Timeout);
        await using var killOnDeadline = lease is AttachedLease ? default : deadline.Token.Register(() => _ = lease.Container.KillAsync());
        var staged = false;
        try
        {
            run.Log.Info($"Validating {lease.Description} ({policy.Image}) before any untrusted code runs ...");
            await lease.SettleAsync(policy, deadline.Token);
            // The stager is our own code from the read-only probe volume, not the repository's: it copies the source
            // while the gate proves the sandbox, and its work is thrown away with the sandbox if the gate fails.
            var staging = request.Purpose == RunPurpose.Command
                ? TimedAsync(run, "staging", () => Staging.StageAsync(lease, policy, run.Source, run.PublishDirectory, run.Log, deadline.Token))
                : Task.CompletedTask;
            var runtime = TimedAsync(run, "runtime gate", () => lease.JudgeAsync(engine, policy,
                host with { RepositoryRoot = setup.HostPaths.ToHost(run.Source) }, request.ListenAddress, deadline.Token));
            try
            {
                await Task.WhenAll(restoring, runtime);
            }
            catch
            {
                await Ignored(staging);
                throw;
            }

            var report = (await runtime) with { Findings = [.. staticReport.Findings, .. (await runtime).Findings] };
            if (!Decide(run, report, baseline, policy) || request.Purpose == RunPurpose.Prove)
            {
                await Ignored(staging);
                if (!report.Passed)
                {
                    await lease.DiscardAsync();
                }

                return;
            }

            staged = true;
            await staging;
            lease.Session?.Record(run.RunId, run.Command!);
            run.Log.Info($"Running in {lease.Description} (run {run.RunId}): {string.Join(' ', run.Command!)}");
            using (run.Stage("command"))
            {
                run.Execution = await CommandExecution.RunAsync(engine, lease.Container, run.Command!, Staging.WorkingDirectory(run.Source, request.WorkingDirectory),
                    run.Log, deadline.Token, cancellationToken);
            }
        }
        catch (Exception e) when (deadline.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            run.EndedAs = cancellationToken.IsCancellationRequested ? RunOutcome.Cancelled : RunOutcome.TimedOut;
        }
        finally
        {
            if (staged)
            {
                await CollectAsync(run, setup, lease);
            }
        }
    }

    private static async Task<T> TimedAsync<T>(RunRecord run, string stage, Func<Task<T>> work)
    {
        using (run.Stage(stage))
        {
            return await work();
        }
    }

    private static async Task TimedAsync(RunRecord run, string stage, Func<Task> work)
    {
        using (run.Stage(stage))
        {
            await work();
        }
    }

    /// <summary>Waits for work whose outcome no longer matters (the run has already ended).</summary>
    private static async Task Ignored(Task work)
    {
        try
        {
            await work;
        }
        catch (Exception e) when (e is SandboxException or IOException or OperationCanceledException)
        {
        }
    }

    /// <summary>Freeze and collect: nothing inside writes while the collector publishes what this run wrote.</summary>
    private static async Task CollectAsync(RunRecord run, RunSetup setup, SandboxLease lease)
    {
        using var stage = run.Stage("collect");
        await lease.FreezeAsync();
        try
        {
            run.Collection = Publishing.Publish(setup, lease, run.PublishDirectory!, run.Command!, run.Verdict!,
                run.Execution ?? new ExecutionOutcome(run.EndedAs ?? RunOutcome.SandboxError), run.Started, run.Log);
        }
        finally
        {
            await lease.ThawAsync();
        }
    }

    /// <summary>The one verdict, logged once; false when the run must stop.</summary>
    private static bool Decide(RunRecord run, ValidationReport report, Baseline? baseline, SandboxPolicy policy)
    {
        run.Verdict = GateVerdict.Decide(report, baseline, policy, run.Request.DriftFailsGate);
        ConsoleReport.LogVerdict(run.Verdict, run.Log, fullTable: run.Request.ShowAllChecks);
        if (!run.Verdict.Passed)
        {
            run.EndedAs = RunOutcome.GateFailed;
        }

        return run.Verdict.Passed;
    }

    /// <summary>A lease and the restore still running beside it (a warm sandbox is proven while the restore runs).</summary>
    private sealed record HeldLease(SandboxLease Lease, Task Restoring) : IAsyncDisposable
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
}
