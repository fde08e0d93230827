using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>The steps a fresh run and a warm session share: report the gate, stage the source, place the command.</summary>
internal static class SandboxSteps
{
    /// <summary>Logs the gate's verdict and drift; true when the sandbox may be used.</summary>
    public static bool ReportGate(ValidationReport validation, IReadOnlyList<DriftChange> drift, ISandboxLog log, bool driftFails = true)
    {
        ConsoleReport.LogFailures(validation, log);
        foreach (var change in drift)
        {
            if (change.Weaker && driftFails)
            {
                log.Error(Codes.Drift, $"{change.Describe()}. Fix: {Codes.Drift.Fix}", change.Location);
            }
            else if (change.Weaker)
            {
                log.Warning(Codes.Drift, $"{change.Describe()} (drift does not fail this run).", change.Location);
            }
            else
            {
                log.Detail($"drift (not a weakening): {change.Describe()}");
            }
        }

        log.Detail(ConsoleReport.Table(validation, includeSummary: false));
        log.Info(ConsoleReport.Summary(validation));
        return validation.Passed && !(driftFails && drift.Any(d => d.Weaker));
    }

    /// <summary>Copies the read-only source into the writable workspace (incrementally), with the restore's outputs laid over it.</summary>
    public static async Task StageAsync(
        SandboxContainer container, SandboxPolicy policy, SandboxLayout layout, string source, string? publishDirectory, ISandboxLog log, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "stage", "--from", policy.SourceTarget, "--to", SandboxPolicy.BuildTarget };
        arguments.AddRange(RestorePreparation.OverlayArguments(layout));

        var publish = Path.GetFullPath(publishDirectory ?? policy.OutputPath, source);
        if (publish.StartsWith(source + "/", StringComparison.Ordinal))
        {
            arguments.AddRange(["--exclude", Path.GetRelativePath(source, publish)]);
        }

        var result = await container.RunAsync(ProbeRunner.Command([.. arguments]), ProbeRunner.HardenedEnvironment, SandboxPolicy.BuildTarget, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new SandboxException(Codes.StageFailed, $"Staging the source failed (exit {result.ExitCode}): {SafeText.Escape(result.StdErr.Trim(), 500)}");
        }

        log.Detail(result.StdOut.Trim());
    }

    /// <summary>
    /// Runs the command while the limits are watched: a fork bomb pinned at the pids limit is killed at once, an
    /// out-of-memory kill is read from the engine's events. Says how it ended, with the resource peaks.
    /// </summary>
    /// <param name="deadline">The run's wall-clock limit (linked to <paramref name="caller"/>); its expiry kills the sandbox.</param>
    public static async Task<ExecutionOutcome> RunCommandAsync(
        EngineConnection engine, SandboxContainer container, CommandPlan plan, string workingDirectory, ISandboxLog log, ExecutionOutcome outcome,
        CancellationToken deadline, CancellationToken caller)
    {
        await using var monitor = ResourceMonitor.Start(engine, container.Id, onPidsExhausted: () => _ = container.KillAsync());
        long? exitCode = null;
        try
        {
            exitCode = (await container.ExecAsync(plan.Command, null, workingDirectory, log.Output, deadline)).ExitCode;
            await monitor.SettleAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or Docker.DotNet.DockerApiException)
        {
            // The stream or the sandbox went away under us: the deadline, a limit, or someone stopped it (`stop --all`).
        }

        return outcome with
        {
            Outcome = monitor.PidsExhausted ? RunOutcome.PidsLimit
                : deadline.IsCancellationRequested ? caller.IsCancellationRequested ? RunOutcome.Killed : RunOutcome.TimedOut
                : monitor.OutOfMemory ? RunOutcome.OutOfMemory
                : exitCode is null ? RunOutcome.Killed
                : exitCode == 0 ? RunOutcome.Succeeded
                : RunOutcome.CommandFailed,
            CommandExitCode = exitCode,
            PeakMemoryBytes = monitor.PeakMemoryBytes,
            PeakPids = monitor.PeakPids,
        };
    }

    /// <summary>Where the command runs inside: the staged copy of the requested folder, never outside it.</summary>
    public static string WorkingDirectory(string source, string requested)
    {
        var relative = Path.GetRelativePath(source, Path.GetFullPath(requested, source));
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new SandboxException(Codes.InvalidInput, $"The working directory '{requested}' is outside the source folder.");
        }

        return relative == "." ? SandboxPolicy.BuildTarget : $"{SandboxPolicy.BuildTarget}/{relative}";
    }
}
