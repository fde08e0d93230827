using System.Diagnostics;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;
using SandboxBuild.Reporting;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// One sandboxed run, end to end: policy, static gate, image, restore in the restore sandbox, sandbox, runtime gate and
/// probes, staging, the command under its limits, then (always, whatever happened) stop, collect, record.
/// </summary>
public sealed class RunOrchestrator(ISandboxLog log)
{
    public async Task<RunResult> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var runId = SandboxLabels.NewRunId();
        var source = Path.GetFullPath(request.SourceDirectory);
        if (!Directory.Exists(source))
        {
            throw new SandboxException(Codes.InvalidInput, $"The source folder '{source}' does not exist.");
        }

        var policy = request.Overrides.ApplyTo(PolicyLoader.Resolve(request.PolicyFile, source));
        var publish = Path.GetFullPath(request.PublishDirectory ?? policy.OutputPath, source);
        var plan = CommandPlan.For(request.Command, policy.OutputTarget);
        log.Detail($"[input] source={source} policy={policy.Origin.File ?? "built-in"} publish={publish} run={runId}");
        log.Detail($"[input] command={string.Join(' ', plan.Command)}");

        var host = HostContext.Current(source);
        var staticReport = Gate.JudgeStatic(policy, source, host);
        var baseline = request.BaselineFile is null ? null : Baseline.Read(request.BaselineFile);
        if (!staticReport.Passed)
        {
            ConsoleReport.LogFailures(staticReport, log);
            log.Info(ConsoleReport.Summary(staticReport) + " Nothing was started.");
            return new RunResult { RunId = runId, Outcome = RunOutcome.GateFailed, ExitCode = ExitCodes.GateFailed, Policy = policy, Validation = staticReport, Duration = clock.Elapsed };
        }

        SourceAccess.EnsureReadable(source, policy);
        using var engine = await EngineConnection.ConnectAsync(log, cancellationToken);
        await Janitor.SweepAsync(engine, log, cancellationToken);
        await SessionManager.SweepIdleAsync(engine, log, cancellationToken);
        if (request.Warm)
        {
            return await new SessionRun(engine, log).ExecAsync(request, autoStart: true, cancellationToken);
        }

        PublishFolder.Prepare(publish);
        var image = await ImageResolver.ResolveAsync(engine, policy, log, cancellationToken);
        policy = policy with { Image = image.Reference };

        var restore = await RestorePreparation.RunAsync(engine, policy, request, plan, source, log, cancellationToken);
        if (restore is { Succeeded: false })
        {
            return RestorePreparation.Failed(runId, restore, policy, clock.Elapsed);
        }

        request = request with { Canaries = [.. request.Canaries, .. restore?.Canaries ?? []] };

        var state = StatePaths.For(source);
        using var runLog = new RunLog(log, state.RunLog(runId));
        var output = OutputMount.Create(state, runId, policy);
        var layout = RestorePreparation.With(await SandboxFactory.LayoutAsync(engine, policy, source, output.Path, cancellationToken), restore);

        var execution = new RunExecution(engine, runLog, policy, layout, plan, source, request);
        var outcome = await execution.RunAsync(runId, staticReport, baseline, host, cancellationToken);

        CollectionResult? collection = null;
        try
        {
            collection = Publishing.Publish(runLog, policy, request, output.Path, publish, runId, started, outcome, image);
        }
        finally
        {
            await output.RemoveAsync(engine, policy, runLog);
        }

        var result = RunSummary.Finish(runId, outcome, collection, policy, publish, runLog.Path, clock.Elapsed);
        RunSummary.Report(result, runLog);
        AuditLog.Append(state.AuditLog, RunSummary.AuditRecord(result, request, plan, image, started));
        return result;
    }
}
