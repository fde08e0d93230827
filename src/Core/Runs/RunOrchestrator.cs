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
/// One sandboxed run, end to end: policy, static gate, image, restore on the host, sandbox, runtime gate and
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

        if (plan.RestoreOnHost && !request.SkipRestore)
        {
            await HostRestore.RunAsync(Path.GetFullPath(request.WorkingDirectory, source), plan.RestoreTarget, plan.RestoreArguments, log, cancellationToken);
        }

        var state = StatePaths.For(source);
        using var runLog = new RunLog(log, state.RunLog(runId));
        var output = OutputMount.Create(state, runId, policy);
        var layout = await SandboxFactory.LayoutAsync(engine, policy, source, output.Path, cancellationToken);

        var execution = new RunExecution(engine, runLog, policy, layout, plan, source, request);
        var outcome = await execution.RunAsync(runId, staticReport, baseline, host, cancellationToken);

        CollectionResult? collection = null;
        try
        {
            collection = Collect(runLog, policy, request, output.Path, publish, runId, started, outcome, image);
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

    private static CollectionResult Collect(
        ISandboxLog log, SandboxPolicy policy, RunRequest request, string outputPath, string publish, string runId, DateTimeOffset started,
        ExecutionOutcome outcome, ResolvedImage image)
    {
        var canaries = request.Canaries.Concat(HostSecretValues()).ToArray();
        var collection = new Collector(policy.Artifacts, canaries, log).Collect(outputPath, PublishFolder.Files(publish));
        var manifestHash = Manifest.Write(Path.Combine(publish, PublishFolder.ManifestFile), runId, collection);
        var validation = outcome.Validation;
        Provenance.Write(Path.Combine(publish, PublishFolder.ProvenanceFile), new RunEvidence
        {
            RunId = runId,
            Command = outcome.Command,
            PolicySha256 = PolicyCanonical.Sha256(policy),
            NetworkMode = policy.Network,
            ImageReference = image.Reference,
            ImageDigest = image.Digest,
            ValidationPassed = validation.Passed && !outcome.Drift.Any(d => d.Weaker),
            ChecksPassed = validation.Findings.Count(f => f.Status == CheckStatus.Pass),
            ChecksFailed = validation.Failures.Select(f => f.Code.Id).Distinct().ToArray(),
            Source = request.SourceDescription ?? Path.GetFullPath(request.SourceDirectory),
            StartedOn = started,
            FinishedOn = DateTimeOffset.UtcNow,
            ExitCode = outcome.CommandExitCode,
        }, collection, manifestHash);
        return collection;
    }

    /// <summary>Values of the host's own secret-named variables: if one turns up in an artifact, it leaked.</summary>
    private static IEnumerable<string> HostSecretValues() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => SecretRules.IsSecretName((string)e.Key) && e.Value is string { Length: >= 8 })
            .Select(e => (string)e.Value!);
}
