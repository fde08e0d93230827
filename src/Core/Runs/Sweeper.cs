using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Runs;

/// <summary>
/// Tidies up beside every run, without holding it up: leftovers of crashed runs, and warm sandboxes idle for
/// too long. A run whose process died is recorded in its repository's audit log as abandoned; what it wrote
/// stays in its private output folder, for `sandboxbuild collect --run ID`.
/// </summary>
public static class Sweeper
{
    public static async Task SweepAsync(EngineConnection engine, ISandboxLog log, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            foreach (var leftover in await Janitor.SweepAsync(engine, log, cancellationToken))
            {
                RecordAbandoned(leftover);
            }

            await WarmSandboxes.SweepIdleAsync(engine, log, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            log.Detail($"tidying up leftovers failed (the next run tries again): {e.Message}");
        }
    }

    private static void RecordAbandoned(Leftover leftover)
    {
        var sandbox = leftover.Sandbox;
        if (sandbox.Label(SandboxLabels.Kind) != SandboxKinds.Run || sandbox.Label(SandboxLabels.RepoPath) is not { } repository
            || sandbox.Label(SandboxLabels.Run) is not { } runId || !Directory.Exists(repository))
        {
            return;
        }

        // Recorded where the run's own process keeps its state (SANDBOXBUILD_STATE_DIR may differ between processes).
        var state = StatePaths.For(repository, sandbox.Label(SandboxLabels.State) is { } root && Directory.Exists(root) ? root : null);
        var output = OutputMount.PathFor(state, runId);
        AuditLog.Append(state.AuditLog, new JsonObject
        {
            ["event"] = "abandoned",
            ["runId"] = runId,
            ["agent"] = sandbox.Label(SandboxLabels.Agent),
            ["container"] = sandbox.Id,
            ["reason"] = leftover.Reason,
            ["outcome"] = "Abandoned",
            ["uncollectedOutput"] = Directory.Exists(output) ? output : null,
        });
    }
}
