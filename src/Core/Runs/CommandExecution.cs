using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Runs;

/// <summary>How the sandboxed command ended, with the resource peaks seen while it ran.</summary>
internal sealed record ExecutionOutcome(RunOutcome Outcome, long? CommandExitCode = null, long PeakMemoryBytes = 0, long PeakPids = 0);

/// <summary>
/// The stage that runs the command while its limits are watched: output streams live, a fork bomb pinned at
/// the pids limit is killed at once, an out-of-memory kill is read from the engine's events, and the
/// deadline kills the sandbox (which ends every process and stream at once).
/// </summary>
internal static class CommandExecution
{
    /// <param name="deadline">The run's wall-clock limit (linked to <paramref name="caller"/>); its expiry kills the sandbox.</param>
    public static async Task<ExecutionOutcome> RunAsync(
        EngineConnection engine, SandboxContainer container, IReadOnlyList<string> command, string workingDirectory, ISandboxLog log,
        CancellationToken deadline, CancellationToken caller)
    {
        await using var monitor = ResourceMonitor.Start(engine, container.Id, onPidsExhausted: () => _ = container.KillAsync());
        long? exitCode = null;
        try
        {
            exitCode = (await container.ExecAsync(command, null, workingDirectory, log.Output, deadline)).ExitCode;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The stream or the sandbox went away under us: the deadline, a limit, or someone stopped it (`stop --all`).
        }

        await monitor.SettleAsync(exitCode);
        var outcome = monitor.PidsExhausted ? RunOutcome.PidsLimit
            : deadline.IsCancellationRequested ? caller.IsCancellationRequested ? RunOutcome.Cancelled : RunOutcome.TimedOut
            : monitor.OutOfMemory ? RunOutcome.OutOfMemory
            : exitCode is null ? RunOutcome.Killed
            : exitCode == 0 ? RunOutcome.Succeeded
            : RunOutcome.CommandFailed;
        return new ExecutionOutcome(outcome, exitCode, monitor.PeakMemoryBytes, monitor.PeakPids);
    }
}
