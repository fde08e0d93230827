using System.Text.Json.Nodes;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>How a run's end is told: the exit code, the closing lines, and the audit record.</summary>
internal static class RunSummary
{
    public static RunResult Finish(string runId, ExecutionOutcome outcome, CollectionResult? collection, SandboxPolicy policy, string publish, string logPath, TimeSpan duration)
    {
        var final = outcome.Outcome == RunOutcome.Succeeded && collection?.BlockedBySecrets == true ? RunOutcome.ArtifactsBlocked : outcome.Outcome;
        var exitCode = final switch
        {
            RunOutcome.Succeeded => ExitCodes.Success,
            RunOutcome.GateFailed => ExitCodes.GateFailed,
            RunOutcome.TimedOut => ExitCodes.Timeout,
            RunOutcome.Killed => ExitCodes.Killed,
            RunOutcome.ArtifactsBlocked => ExitCodes.ArtifactsBlocked,
            RunOutcome.SandboxError => ExitCodes.SandboxError,
            RunOutcome.PidsLimit => ExitCodes.Killed,
            RunOutcome.OutOfMemory => ExitCodes.Killed,
            _ => (int)Math.Clamp(outcome.CommandExitCode ?? ExitCodes.SandboxError, 1, 255),
        };
        return new RunResult
        {
            RunId = runId,
            Outcome = final,
            ExitCode = exitCode,
            CommandExitCode = outcome.CommandExitCode,
            Policy = policy,
            Validation = outcome.Validation,
            Drift = outcome.Drift,
            Collection = collection,
            PublishDirectory = publish,
            ManifestPath = Path.Combine(publish, PublishFolder.ManifestFile),
            ProvenancePath = Path.Combine(publish, PublishFolder.ProvenanceFile),
            LogPath = logPath,
            Duration = duration,
            PeakMemoryBytes = outcome.PeakMemoryBytes,
            PeakPids = outcome.PeakPids,
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
                log.Error(Codes.PidsLimitReached, $"The sandbox stayed at its limit of {result.Policy!.Pids} processes for {ResourceMonitor.PidsGrace.TotalSeconds:0} s (a fork bomb) and was stopped ({peaks}); the output written so far was collected.");
                break;
            case RunOutcome.Killed:
                log.Error(Codes.Killed, "The run was cancelled and its sandbox killed; the output written so far was collected.");
                break;
            case RunOutcome.CommandFailed:
                var failedTests = result.PublishDirectory is null ? 0 : TestResultsReport.ReportFailures(PublishFolder.Files(result.PublishDirectory), log);
                log.Error(Codes.CommandFailed, $"The command exited with {result.CommandExitCode}{(failedTests > 0 ? $" ({failedTests} failed tests)" : "")}.");
                break;
        }

        if (result.Collection is { } collection)
        {
            log.Info($"Published {collection.Published.Count} file(s), {collection.TotalBytes} bytes, to {Path.Combine(result.PublishDirectory!, PublishFolder.FilesFolder)}"
                + $" ({collection.Refused.Count} refused, {collection.Secrets.Count} secrets); manifest {result.ManifestPath}.");
        }

        log.Info($"Run {result.RunId} {result.Outcome.ToString().ToLowerInvariant()} in {result.Duration.TotalSeconds:0.0} s (exit code {result.ExitCode}).");
    }

    public static JsonObject AuditRecord(RunResult result, RunRequest request, CommandPlan plan, ResolvedImage image, DateTimeOffset started) => new()
    {
        ["event"] = "run",
        ["runId"] = result.RunId,
        ["agent"] = request.Agent,
        ["startedUtc"] = started.ToString("O"),
        ["durationMs"] = (long)result.Duration.TotalMilliseconds,
        ["source"] = Path.GetFullPath(request.SourceDirectory),
        ["command"] = new JsonArray(plan.Command.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
        ["policySha256"] = result.Policy is null ? null : PolicyCanonical.Sha256(result.Policy),
        ["image"] = image.Reference,
        ["imageDigest"] = image.Digest,
        ["validation"] = new JsonObject
        {
            ["passed"] = result.Validation?.Passed,
            ["failed"] = new JsonArray((result.Validation?.Failures ?? []).Select(f => f.Code.Id).Distinct().Select(id => (JsonNode?)JsonValue.Create(id)).ToArray()),
            ["drift"] = new JsonArray(result.Drift.Where(d => d.Weaker).Select(d => (JsonNode?)JsonValue.Create(d.Describe())).ToArray()),
        },
        ["outcome"] = result.Outcome.ToString(),
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
        ["log"] = result.LogPath,
    };
}
