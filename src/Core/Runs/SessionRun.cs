using System.Diagnostics;
using Docker.DotNet.Models;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// One command in a warm (long-lived) sandbox: the same gate, staging and collection as a fresh run, but the
/// sandbox, its build servers and its incremental build state stay. The sandbox is frozen while its output
/// is cleared and collected, so no process left running from earlier commands writes during either.
/// </summary>
public sealed class SessionRun(EngineConnection engine, ISandboxLog log)
{
    public async Task<RunResult> ExecAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var source = Path.GetFullPath(request.SourceDirectory);
        var session = await new SessionManager(engine, log).FindAsync(source, request.Agent, cancellationToken)
            ?? throw new SandboxException(Codes.SandboxNotFound, $"No running sandbox '{request.Agent}' for {source}.");
        var container = SandboxContainer.Attach(engine, session.ContainerId);
        var inspect = await container.InspectAsync(cancellationToken);
        var policy = request.Overrides.ApplyTo(PolicyLoader.Resolve(request.PolicyFile, source)) with { Image = inspect.Config?.Image ?? "" };
        if (inspect.Config?.Labels?.TryGetValue(SandboxLabels.PolicyHash, out var startedWith) == true && startedWith != PolicyCanonical.Sha256(policy))
        {
            throw new SandboxException(Codes.InvalidInput, "The policy changed since this sandbox started.", "Run `sandboxbuild stop` and `sandboxbuild start` to apply it.");
        }

        var layout = LayoutOf(inspect, policy, source);
        var plan = CommandPlan.For(request.Command, policy.OutputTarget);
        var publish = Path.GetFullPath(request.PublishDirectory ?? policy.OutputPath, source);
        PublishFolder.Prepare(publish);

        var validation = await Gate.JudgeRunningAsync(engine, container, policy, layout, HostContext.Current(source), cancellationToken);
        var drift = request.BaselineFile is null ? [] : BaselineDiff.Compare(Baseline.Read(request.BaselineFile), policy, validation);
        var outcome = new ExecutionOutcome { Outcome = RunOutcome.GateFailed, Validation = validation, Drift = drift, Command = plan.Command, ContainerId = container.Id };
        if (!SandboxSteps.ReportGate(validation, drift, log))
        {
            return RunSummary.Finish(session.RunId, outcome, null, policy, publish, "", clock.Elapsed);
        }

        if (plan.RestoreOnHost && !request.SkipRestore)
        {
            await HostRestore.RunAsync(Path.GetFullPath(request.WorkingDirectory, source), plan.RestoreTarget, plan.RestoreArguments, log, cancellationToken);
        }

        await FrozenAsync(container, () => container.RunAsync(Validation.ProbeRunner.Command("clear", policy.OutputTarget), Validation.ProbeRunner.HardenedEnvironment, null, cancellationToken));
        await SandboxSteps.StageAsync(container, policy, layout, source, request.PublishDirectory, log, cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(policy.Timeout);
        await using var killOnDeadline = deadline.Token.Register(() => _ = container.KillAsync());
        log.Info($"Running in sandbox {container.ShortId}: {string.Join(' ', plan.Command)}");
        try
        {
            var result = await container.ExecAsync(plan.Command, null, SandboxSteps.WorkingDirectory(source, request.WorkingDirectory), log.Output, deadline.Token);
            outcome = outcome with
            {
                Outcome = deadline.IsCancellationRequested ? RunOutcome.TimedOut : result.ExitCode == 0 ? RunOutcome.Succeeded : RunOutcome.CommandFailed,
                CommandExitCode = result.ExitCode,
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            outcome = outcome with { Outcome = cancellationToken.IsCancellationRequested ? RunOutcome.Killed : RunOutcome.TimedOut };
        }

        var collection = outcome.Outcome is RunOutcome.TimedOut or RunOutcome.Killed
            ? Collect(policy, layout.OutputDirectory, publish, session.RunId) // the sandbox is dead: nothing writes any more
            : await FrozenAsync(container, () => Task.FromResult(Collect(policy, layout.OutputDirectory, publish, session.RunId)));
        var summary = RunSummary.Finish(session.RunId, outcome, collection, policy, publish, "", clock.Elapsed);
        RunSummary.Report(summary, log);
        AuditLog.Append(StatePaths.For(source).AuditLog, RunSummary.AuditRecord(summary, request, plan, new ResolvedImage(policy.Image, inspect.Image, [], false), started));
        return summary;
    }

    private CollectionResult Collect(SandboxPolicy policy, string output, string publish, string runId)
    {
        var collection = new Collector(policy.Artifacts, [], log).Collect(output, PublishFolder.Files(publish));
        Manifest.Write(Path.Combine(publish, PublishFolder.ManifestFile), runId, collection);
        return collection;
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
        };
    }
}
