using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// The one run pipeline. Every entry point (the CLI's run, exec, start, validate and demo; the MSBuild tasks
/// through the CLI; the action) hands a <see cref="RunRequest"/> here, and every run goes through the same
/// stages whatever sandbox it holds:
/// policy -> static gate -> engine -> prepare (image, probe) -> restore (in the restore sandbox, or reused)
/// -> lease (fresh, warm or attached)
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
            resolution = PolicyStage.Resolve(run);
            baseline = request.BaselineFile is null ? null : Baseline.Read(request.BaselineFile);
        }

        var policy = resolution.Policy;
        var host = HostContext.Current(run.Source);
        ValidationReport staticReport;
        using (run.Stage("static gate"))
        {
            staticReport = PolicyStage.JudgeStatic(run, resolution, host);
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
                setup = await LeaseStage.PrepareAsync(run, engine, policy, cancellationToken);
            }

            using (run.Stage("restore"))
            {
                setup = await RestorePreparation.RunAsync(run, engine, setup, cancellationToken);
            }

            // The restore's proxy stops while the sandbox starts and is proven; its findings are logged before the verdict.
            var egress = RestorePreparation.ReportEgressAsync(run, setup.Restore);
            try
            {
                SandboxLease held;
                using (run.Stage("lease"))
                {
                    held = await LeaseStage.AcquireAsync(run, engine, setup, cancellationToken);
                }

                await using var lease = held;
                run.ContainerId = lease.Container.Id;
                await ProveAndRunAsync(run, engine, setup, lease, staticReport, baseline, host, egress, cancellationToken);
            }
            finally
            {
                await egress;
            }
        }
        finally
        {
            await sweeping;
        }
    }

    /// <summary>
    /// Runtime gate, then (for a command) stage, run and watch, then freeze and collect, all under the run's
    /// deadline, which kills the sandbox when it passes.
    /// </summary>
    private static async Task ProveAndRunAsync(
        RunRecord run, EngineConnection engine, RunSetup setup, SandboxLease lease, ValidationReport staticReport, Baseline? baseline, HostContext host,
        Task egress, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var policy = setup.Policy;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(policy.Timeout);
        await using var killOnDeadline = lease is AttachedLease ? default : deadline.Token.Register(() => _ = lease.Container.KillAsync());
        var staged = false;
        try
        {
            // An attached container runs whatever image its owner chose; the policy's image is not it.
            var image = lease is AttachedLease ? "" : $" ({policy.Image})";
            run.Log.Info($"Validating {lease.Description}{image} before any untrusted code runs ...");
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
                await runtime;
            }
            catch
            {
                await Ignored(staging);
                throw;
            }

            await egress;
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
}
