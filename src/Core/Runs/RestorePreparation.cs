using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Restore;

namespace SandboxBuild.Runs;

/// <summary>
/// The run pipeline's side of the restore stage: when the command needs restored packages, restore in the
/// restore sandbox (or reuse the last restore of the same inputs); the build sandbox then gets exactly that
/// package folder and those results, read-only. Nothing of the repository chooses a mount.
/// </summary>
internal static class RestorePreparation
{
    /// <summary>The restore for this run, or null when the command needs none (`--no-restore`, not a build verb).</summary>
    public static async Task<RestoreResult?> RunAsync(
        EngineConnection engine, SandboxPolicy policy, RunRequest request, CommandPlan plan, string source, ISandboxLog log, CancellationToken cancellationToken)
    {
        if (!plan.RestoreOnHost || request.SkipRestore)
        {
            return null;
        }

        var settings = RestoreSettings.Read(request.Feeds, request.FeedCredentials, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
        var restorePlan = settings.Plan(source, StatePaths.For(source).Root, request.WorkingDirectory, plan.RestoreTarget, plan.RestoreArguments,
            request.HostPaths, request.Agent, request.Canaries);
        return await RestoreStage.RunAsync(engine, policy, restorePlan, log, cancellationToken);
    }

    /// <summary>The build sandbox's mounts of a restore: the package folder at the path restore wrote it for, the results to overlay.</summary>
    public static SandboxLayout With(SandboxLayout layout, RestoreResult? restore) => restore is { PackageFolder: { } packages, ResultsFolder: { } results }
        ? layout with
        {
            PackageFolders = [packages],
            ExtraMounts = [.. layout.ExtraMounts, new MountSpec(results, RestoreLayout.ResultsTarget, ReadOnly: true)],
        }
        : layout;

    /// <summary>`stage` arguments that lay the restore's outputs over the staged source, when the sandbox has them.</summary>
    public static IEnumerable<string> OverlayArguments(SandboxLayout layout) =>
        layout.ExtraMounts.Any(m => m.Target == RestoreLayout.ResultsTarget) ? ["--overlay", RestoreLayout.ResultsTarget] : [];

    /// <summary>A failed restore as the run's result: the restore sandbox's gate report, or a sandbox error.</summary>
    public static RunResult Failed(string runId, RestoreResult restore, SandboxPolicy policy, TimeSpan duration) => new()
    {
        RunId = runId,
        Outcome = restore.Outcome == RestoreOutcome.GateFailed ? RunOutcome.GateFailed : RunOutcome.SandboxError,
        ExitCode = restore.Outcome == RestoreOutcome.GateFailed ? ExitCodes.GateFailed : ExitCodes.SandboxError,
        Policy = policy,
        Validation = restore.Gate,
        Duration = duration,
    };
}
