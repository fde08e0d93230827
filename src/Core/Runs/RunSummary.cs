using System.Text.Json.Nodes;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>How a run's end is told, whatever stage it ended in: the result and exit code, the closing lines, and the audit record.</summary>
internal static class RunSummary
{
    public static RunResult Result(RunRecord run)
    {
        var execution = run.Execution;
        var outcome = run.EndedAs ?? execution?.Outcome ?? RunOutcome.Succeeded;
        if (outcome == RunOutcome.Succeeded && run.Collection?.BlockedBySecrets == true)
        {
            outcome = RunOutcome.ArtifactsBlocked;
        }

        var exitCode = outcome switch
        {
            RunOutcome.Succeeded => ExitCodes.Success,
            RunOutcome.GateFailed => ExitCodes.GateFailed,
            RunOutcome.TimedOut => ExitCodes.Timeout,
            RunOutcome.Killed or RunOutcome.PidsLimit or RunOutcome.OutOfMemory => ExitCodes.Killed,
            RunOutcome.Cancelled => ExitCodes.Cancelled,
            RunOutcome.ArtifactsBlocked => ExitCodes.ArtifactsBlocked,
            RunOutcome.SandboxError => ExitCodes.SandboxError,
            RunOutcome.InvalidInput => ExitCodes.Usage,
            _ => (int)Math.Clamp(execution?.CommandExitCode ?? ExitCodes.SandboxError, 1, 255),
        };
        var publish = run.Collection is null ? null : run.PublishDirectory;
        return new RunResult
        {
            RunId = run.RunId,
            Outcome = outcome,
            ExitCode = exitCode,
            CommandExitCode = execution?.CommandExitCode,
            Policy = run.Policy,
            Verdict = run.Verdict,
            FailureCode = run.Failure,
            Collection = run.Collection,
            PublishDirectory = publish,
            ManifestPath = publish is null ? null : Path.Combine(publish, PublishFolder.ManifestFile),
            ProvenancePath = publish is null ? null : Path.Combine(publish, PublishFolder.ProvenanceFile),
            LogPath = run.Log.Path,
            ContainerId = run.ContainerId,
            Duration = run.Clock.Elapsed,
            PeakMemoryBytes = execution?.PeakMemoryBytes ?? 0,
            PeakPids = execution?.PeakPids ?? 0,
        };
    }

    public static void Report(RunResult result, ISandboxLog log)
    {
        var peaks = $"peak memory {Quantities.FormatBytes(result.PeakMemoryBytes / (1 << 20) * (1 << 20))}, peak processes {result.PeakPids}";
        switch (result.Outcome)
        {
            case RunOutcome.TimedOut:
                log.Error(Codes.Timeout, $"The run passed its timeout of {Quantities.FormatDuration(result.Policy!.Timeout)} and was killed ({peaks}); the output written so far was collected and the log kept at {result.LogPath}.");
                break;
            case RunOutcome.OutOfMemory:
                log.Error(Codes.OutOfMemory, $"The command was killed for using more than {Quantities.FormatBytes(result.Policy!.Memory)} ({peaks}); exit code {result.CommandExitCode}.");
                break;
            case RunOutcome.PidsLimit:
                log.Error(Codes.PidsLimitReached, $"The sandbox stayed at its limit of {result.Policy!.Pids} processes for {Engine.ResourceMonitor.PidsGrace.TotalSeconds:0} s (a fork bomb) and was stopped ({peaks}); the output written so far was collected.");
                break;
            case RunOutcome.Killed:
                log.Error(Codes.Killed, "The sandbox was stopped while the command ran (`sandboxbuild stop` or the engine); the output written so far was collected.");
                break;
            case RunOutcome.Cancelled:
                log.Error(Codes.Killed, "Cancelled: the sandbox was killed; the output written so far was collected.");
                break;
            case RunOutcome.CommandFailed:
                var failedTests = result.PublishDirectory is null ? 0 : TestResultsReport.ReportFailures(PublishFolder.Files(result.PublishDirectory), log);
                log.Error(Codes.CommandFailed, $"The command exited with {result.CommandExitCode}{(failedTests > 0 ? $" ({failedTests} failed tests)" : "")}.");
                break;
        }

        if (result.Collection is { } collection)
        {
            log.Info($"Published {collection.Published.Count} file(s), {collection.TotalBytes} bytes, to {PublishFolder.Files(result.PublishDirectory!)}"
                + $" ({collection.Refused.Count} refused, {collection.Secrets.Count} secrets); manifest {result.ManifestPath}.");
        }

        log.Info($"Run {result.RunId} {result.Outcome.ToString().ToLowerInvariant()} in {result.Duration.TotalSeconds:0.0} s (exit code {result.ExitCode}).");
    }

    public static JsonObject AuditRecord(RunResult result, RunRecord run) => new()
    {
        ["event"] = run.Request.Purpose == RunPurpose.Command ? "run" : "prove",
        ["runId"] = result.RunId,
        ["agent"] = run.Request.Agent,
        ["lease"] = run.Request.Lease.ToString().ToLowerInvariant(),
        ["startedUtc"] = run.Started.ToString("O"),
        ["durationMs"] = (long)result.Duration.TotalMilliseconds,
        ["source"] = run.Source,
        ["command"] = run.Command is null ? null : new JsonArray(run.Command.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
        ["policySha256"] = result.Policy is null ? null : PolicyCanonical.Sha256(result.Policy),
        ["image"] = run.Image?.Reference,
        ["imageDigest"] = run.Image?.Digest,
        ["container"] = result.ContainerId,
        ["validation"] = result.Verdict is not { } verdict ? null : new JsonObject
        {
            ["passed"] = verdict.Passed,
            ["failed"] = new JsonArray(verdict.Report.Failures.Select(f => f.Code.Id).Distinct().Select(id => (JsonNode?)JsonValue.Create(id)).ToArray()),
            ["drift"] = new JsonArray(verdict.Weakenings.Select(d => (JsonNode?)JsonValue.Create(d.Describe())).ToArray()),
        },
        ["outcome"] = result.Outcome.ToString(),
        ["failure"] = result.FailureCode?.Id,
        ["exitCode"] = result.ExitCode,
        ["commandExitCode"] = result.CommandExitCode,
        ["peaks"] = new JsonObject { ["memoryBytes"] = result.PeakMemoryBytes, ["pids"] = result.PeakPids },
        ["artifacts"] = result.Collection is not { } c ? null : new JsonObject
        {
            ["published"] = c.Published.Count,
            ["bytes"] = c.TotalBytes,
            ["refused"] = new JsonArray(c.Refused.Select(r => (JsonNode?)JsonValue.Create($"{r.Code.Id} {r.Path}")).Take(100).ToArray()),
            ["secrets"] = c.Secrets.Count,
        },
        ["stagesMs"] = new JsonObject(run.Stages.GroupBy(s => s.Stage)
            .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)JsonValue.Create((long)g.Sum(s => s.Took.TotalMilliseconds))))),
        ["log"] = result.LogPath,
    };
}
