using System.Diagnostics;
using Docker.DotNet.Models;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// One command in a warm (long-lived) sandbox: the same gates, staging and collection as a fresh run, but the
/// sandbox, its build servers and its incremental build state stay. Every use proves the running sandbox
/// again (docker inspect and fresh probes, after the restore stage). The sandbox is frozen while its output
/// is cleared and collected, so no process left running from earlier commands writes during either.
/// </summary>
public sealed class SessionRun(EngineConnection engine, ISandboxLog log)
{
    /// <param name="autoStart">Start the sandbox when none runs (`run --warm`); else that is an error (`exec`).</param>
    public async Task<RunResult> ExecAsync(RunRequest request, bool autoStart, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var runId = SandboxLabels.NewRunId();
        var source = Path.GetFullPath(request.SourceDirectory);
        var policy = request.Overrides.ApplyTo(PolicyLoader.Resolve(request.PolicyFile, source));
        var host = HostContext.Current(source);
        var staticReport = Gate.JudgeStatic(policy, source, host);
        if (!staticReport.Passed)
        {
            Reporting.ConsoleReport.LogFailures(staticReport, log);
            return new RunResult { RunId = "", Outcome = RunOutcome.GateFailed, ExitCode = ExitCodes.GateFailed, Policy = policy, Validation = staticReport };
        }

        SourceAccess.EnsureReadable(source, policy);
        var plan = CommandPlan.For(request.Command, policy.OutputTarget);
        var publish = Path.GetFullPath(request.PublishDirectory ?? policy.OutputPath, source);
        PublishFolder.Prepare(publish);
        var manager = new SessionManager(engine, log);
        var image = await ImageResolver.ResolveAsync(engine, policy, log, cancellationToken);
        policy = policy with { Image = image.Reference };

        var restore = await RestorePreparation.RunAsync(engine, policy, request, plan, source, log, cancellationToken);
        if (restore is { Succeeded: false })
        {
            return RestorePreparation.Failed(runId, restore, policy, clock.Elapsed);
        }

        request = request with { Canaries = [.. request.Canaries, .. restore?.Canaries ?? []] };
        var session = await manager.FindAsync(source, request.Agent, cancellationToken);
        if (session is not null && !await MatchesAsync(session, policy, source, restore, cancellationToken))
        {
            log.Info($"The policy or the package folders changed since sandbox '{request.Agent}' started: starting a new one.");
            await manager.StopAsync(source, request.Agent, all: false, cancellationToken);
            session = null;
        }

        if (session is null && !autoStart)
        {
            throw new SandboxException(Codes.SandboxNotFound, $"No running sandbox '{request.Agent}' for {source}.");
        }

        if (session is null)
        {
            session = await manager.StartAsync(source, policy, request.Agent, SessionManager.DefaultLifetime, prove: false, cancellationToken, restore);
        }

        var container = SandboxContainer.Attach(engine, session.ContainerId);
        var inspect = await container.InspectAsync(cancellationToken);
        var layout = LayoutOf(inspect, policy, source);
        var runtime = await Gate.JudgeRunningAsync(engine, container, policy, layout, host, cancellationToken);
        var validation = runtime with { Findings = [.. staticReport.Findings, .. runtime.Findings] };
        var drift = request.BaselineFile is null ? [] : BaselineDiff.Compare(Baseline.Read(request.BaselineFile), policy, validation);
        var outcome = new ExecutionOutcome { Outcome = RunOutcome.GateFailed, Validation = validation, Drift = drift, Command = plan.Command, ContainerId = container.Id };
        if (!SandboxSteps.ReportGate(validation, drift, log, request.DriftFailsGate))
        {
            if (!validation.Passed)
            {
                // A running sandbox that no longer proves isolated is not kept for later use either.
                await manager.StopAsync(source, request.Agent, all: false, cancellationToken);
            }

            return Finish(request, plan, image, source, runId, outcome, null, policy, publish, clock, started);
        }

        SessionManager.Touch(source, request.Agent);
        await ClearOutputAsync(container, layout.OutputDirectory, policy, cancellationToken);
        await SandboxSteps.StageAsync(container, policy, layout, source, request.PublishDirectory, log, cancellationToken);
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(policy.Timeout);
            await using var killOnDeadline = deadline.Token.Register(() => _ = container.KillAsync());
            log.Info($"Running in sandbox {container.ShortId}: {string.Join(' ', plan.Command)}");
            outcome = await SandboxSteps.RunCommandAsync(engine, container, plan, SandboxSteps.WorkingDirectory(source, request.WorkingDirectory), log,
                outcome, deadline.Token, cancellationToken);
        }

        CollectionResult Publish() => Publishing.Publish(log, policy, request, layout.OutputDirectory, publish, runId, started, outcome, image);
        var stopped = outcome.Outcome is RunOutcome.TimedOut or RunOutcome.Killed or RunOutcome.PidsLimit;
        // A stopped sandbox writes nothing any more; a running one is frozen while its output is collected.
        var collection = stopped ? Publish() : await FrozenAsync(container, () => Task.FromResult(Publish()));
        return Finish(request, plan, image, source, runId, outcome, collection, policy, publish, clock, started);
    }

    private RunResult Finish(
        RunRequest request, CommandPlan plan, ResolvedImage image, string source, string runId, ExecutionOutcome outcome, CollectionResult? collection,
        SandboxPolicy policy, string publish, Stopwatch clock, DateTimeOffset started)
    {
        var summary = RunSummary.Finish(runId, outcome, collection, policy, publish, "", clock.Elapsed);
        RunSummary.Report(summary, log);
        AuditLog.Append(StatePaths.For(source).AuditLog, RunSummary.AuditRecord(summary, request, plan, image, started));
        return summary;
    }

    /// <summary>A running sandbox is reused only if it was made from the same policy and this restore's package folder.</summary>
    private async Task<bool> MatchesAsync(SessionInfo session, SandboxPolicy policy, string source, Restore.RestoreResult? restore, CancellationToken cancellationToken)
    {
        var inspect = await engine.Client.Containers.InspectContainerAsync(session.ContainerId, cancellationToken);
        var samePolicy = inspect.Config?.Labels?.TryGetValue(SandboxLabels.PolicyHash, out var hash) == true && hash == PolicyCanonical.Sha256(policy);
        string[] packages = restore?.PackageFolder is { } folder ? [folder] : [];
        return samePolicy && LayoutOf(inspect, policy, source).PackageFolders.SequenceEqual(packages);
    }

    /// <summary>
    /// Empties the output folder before a command, so a run publishes only what it wrote. From the host while
    /// the sandbox is frozen when this user may; else from inside (a running sandbox cannot exec while frozen).
    /// </summary>
    private async Task ClearOutputAsync(SandboxContainer container, string output, SandboxPolicy policy, CancellationToken cancellationToken)
    {
        var cleared = await FrozenAsync(container, () =>
        {
            try
            {
                foreach (var entry in new DirectoryInfo(output).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo { LinkTarget: null } folder)
                    {
                        folder.Delete(recursive: true); // .NET never follows links while deleting
                    }
                    else
                    {
                        entry.Delete();
                    }
                }

                return Task.FromResult(true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Task.FromResult(false);
            }
        });
        if (!cleared)
        {
            await container.RunAsync(ProbeRunner.Command("clear", policy.OutputTarget), ProbeRunner.HardenedEnvironment, null, cancellationToken);
        }
    }

    private async Task<T> FrozenAsync<T>(SandboxContainer container, Func<Task<T>> action)
    {
        await engine.Client.Containers.PauseContainerAsync(container.Id);
        try
        {
            return await action();
        }
        finally
        {
            await engine.Client.Containers.UnpauseContainerAsync(container.Id);
            // The engine answers before its own state says "running" again (Docker 20.10 clears the paused flag
            // from an event): an exec sent at once can be refused as "paused". Wait until it says so.
            for (var i = 0; i < 100 && (await container.InspectAsync(CancellationToken.None)).State?.Paused == true; i++)
            {
                await Task.Delay(20);
            }
        }
    }

    /// <summary>The layout a session was created with, read back from its mounts.</summary>
    private static SandboxLayout LayoutOf(ContainerInspectResponse inspect, SandboxPolicy policy, string source)
    {
        var mounts = inspect.Mounts ?? [];
        return new SandboxLayout
        {
            SourceDirectory = source,
            OutputDirectory = mounts.FirstOrDefault(m => m.Destination == policy.OutputTarget)?.Source
                ?? throw new SandboxException(Codes.InspectUnavailable, "The sandbox has no output mount."),
            PackageFolders = mounts.Where(m => m.Destination.StartsWith(SandboxLayout.PackageMountRoot + "/", StringComparison.Ordinal))
                .OrderBy(m => int.Parse(m.Destination[(SandboxLayout.PackageMountRoot.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture))
                .Select(m => m.Source).ToArray(),
            ProbeVolume = mounts.FirstOrDefault(m => m.Destination == SandboxLayout.ProbeMount)?.Name,
            ExtraMounts = mounts.Where(m => m.Destination == Restore.RestoreLayout.ResultsTarget).Select(m => new MountSpec(m.Source, m.Destination, !m.RW)).ToArray(),
        };
    }
}
