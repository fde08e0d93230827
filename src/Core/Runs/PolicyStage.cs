using SandboxBuild.Artifacts;
using SandboxBuild.Policy;
using SandboxBuild.Validation;
using SandboxBuild.Validation.BuildLogic;

namespace SandboxBuild.Runs;

/// <summary>
/// The pipeline's first two stages: the policy (the trusted floor with the repository's policy merged on top,
/// tighten-only), and the static gate over it, before anything starts.
/// </summary>
internal static class PolicyStage
{
    /// <summary>
    /// Policy: the trusted floor with the repository's policy merged on top (tighten-only), the command and the
    /// publish folder. A refused loosening never takes effect; it fails the static gate.
    /// </summary>
    public static PolicyResolution Resolve(RunRecord run)
    {
        var request = run.Request;
        var inputs = request.PolicyInputs();
        var resolution = PolicyResolver.Resolve(inputs, run.Source);
        if (request.Purpose == RunPurpose.Command)
        {
            run.Plan = CommandPlan.For(request.Command, resolution.Policy.OutputTarget, TestRunnerMode.Detect(run.Source, request.WorkingDirectory));
            run.PublishDirectory = Path.GetFullPath(request.PublishDirectory ?? resolution.Policy.OutputPath, run.Source);
            if (TestRunArtifacts.IsTestRun(run.Plan.Command))
            {
                // A test run publishes its reports unless the trusted side declared more: a default of the floor, which
                // the repository may narrow but never widen.
                resolution = PolicyResolver.Resolve(inputs with
                {
                    DefaultArtifactInclude = TestRunArtifacts.IncludeFor(run.Plan.Command, resolution.Policy.OutputTarget, []),
                }, run.Source);
            }
        }

        foreach (var notice in resolution.Notices)
        {
            run.Log.Warning(notice.Code, notice.Message, notice.Location);
        }

        run.Policy = resolution.Policy;
        run.Log.Detail($"[input] source={run.Source} policy={resolution.RepositoryFile ?? resolution.Policy.Origin.File ?? "built-in"} lease={request.Lease} publish={run.PublishDirectory} run={run.RunId}");
        run.Log.Detail($"[input] command={(run.Command is null ? "(none: prove the sandbox)" : string.Join(' ', run.Command))}");
        RepositoryRequests.Log(request.RepositorySettings, run.Log);
        return resolution;
    }

    /// <summary>Static gate: the policy and any compose files, judged before anything starts.</summary>
    public static ValidationReport JudgeStatic(RunRecord run, PolicyResolution resolution, HostContext host)
    {
        var report = Gate.JudgeStatic(resolution, run.Source, host);
        foreach (var file in run.Request.ComposeFiles)
        {
            report = report.With(Validation.Compose.ComposeReader.Judge(file, host));
        }

        if (run.Request.BuildLogicRecord is { } record)
        {
            report = report.With(BuildLogicGate.Judge(run.Source, record, BuildLogicOptions.ForThisHost()).Report.Findings);
        }

        return report;
    }
}
