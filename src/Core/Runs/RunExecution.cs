using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>How the sandboxed part of a run ended.</summary>
internal sealed record ExecutionOutcome
{
    public required RunOutcome Outcome { get; init; }

    public required ValidationReport Validation { get; init; }

    public required IReadOnlyList<string> Command { get; init; }

    public IReadOnlyList<DriftChange> Drift { get; init; } = [];

    public long? CommandExitCode { get; init; }

    public long PeakMemoryBytes { get; init; }

    public long PeakPids { get; init; }

    public string? ContainerId { get; init; }
}

/// <summary>
/// The part of a run that happens in the sandbox: start it, prove it (runtime gate and probes, before any
/// untrusted code), stage the source, run the command under the wall-clock limit, and always kill it.
/// </summary>
internal sealed class RunExecution(
    EngineConnection engine, ISandboxLog log, SandboxPolicy policy, SandboxLayout layout, CommandPlan plan, string source, RunRequest request)
{
    public async Task<ExecutionOutcome> RunAsync(string runId, ValidationReport staticReport, Baseline? baseline, HostContext host, CancellationToken cancellationToken)
    {
        var container = await SandboxFactory.StartAsync(engine, new SandboxRequest
        {
            Policy = policy,
            Layout = layout,
            Kind = "run",
            RunId = runId,
            RepositoryPath = source,
            // Outlives the deadline: the host's kill, not the container's own end, must be what stops a run.
            Lifetime = policy.Timeout + TimeSpan.FromMinutes(2),
            Agent = request.Agent,
            HostPaths = request.HostPaths,
        }, cancellationToken);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(policy.Timeout);
        // Killing the container is what really ends a run: it ends every process and every stream at once.
        await using var killOnDeadline = deadline.Token.Register(() => _ = container.KillAsync());
        var validation = staticReport;
        IReadOnlyList<DriftChange> drift = [];
        try
        {
            log.Info($"Sandbox {container.ShortId} started ({policy.Image}); validating it before any untrusted code runs ...");
            var runtime = await Gate.JudgeRunningAsync(engine, container, policy, layout, host with { RepositoryRoot = request.HostPaths.ToHost(source) }, deadline.Token);
            validation = runtime with { Findings = [.. staticReport.Findings, .. runtime.Findings] };
            drift = baseline is null ? [] : BaselineDiff.Compare(baseline, policy, validation);
            if (!SandboxSteps.ReportGate(validation, drift, log, request.DriftFailsGate))
            {
                return Outcome(RunOutcome.GateFailed);
            }

            await SandboxSteps.StageAsync(container, policy, layout, source, request.PublishDirectory, log, deadline.Token);
            log.Info($"Running: {string.Join(' ', plan.Command)}");
            return await SandboxSteps.RunCommandAsync(engine, container, plan, SandboxSteps.WorkingDirectory(source, request.WorkingDirectory), log,
                Outcome(RunOutcome.CommandFailed), deadline.Token, cancellationToken);
        }
        catch (SandboxException e) when (!deadline.IsCancellationRequested)
        {
            log.Report(e);
            return Outcome(RunOutcome.SandboxError);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return TimedOut(cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or Docker.DotNet.DockerApiException)
        {
            // The stream or the sandbox went away under us: the deadline, or someone stopped it (`stop --all`).
            return deadline.IsCancellationRequested ? TimedOut(cancellationToken) : Outcome(RunOutcome.Killed);
        }
        finally
        {
            await container.KillAsync();
            await container.RemoveAsync();
        }

        ExecutionOutcome Outcome(RunOutcome outcome) => new()
        {
            Outcome = outcome,
            Validation = validation,
            Drift = drift,
            Command = plan.Command,
            ContainerId = container.Id,
        };

        ExecutionOutcome TimedOut(CancellationToken caller) => Outcome(caller.IsCancellationRequested ? RunOutcome.Killed : RunOutcome.TimedOut);
    }
}
