using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Reporting;
using SandboxBuild.Restore;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// The pipeline's restore stage: when the command needs restored packages, restore in the restore sandbox
/// (or reuse the last restore of the same inputs, with no sandbox at all). The build sandbox then gets exactly
/// that package folder and those results, read-only; nothing of the repository chooses a mount.
/// </summary>
internal static class RestorePreparation
{
    /// <summary>The setup with this run's restore in it; unchanged when the command needs none (`--no-restore`, not a build verb, a proving run).</summary>
    public static async Task<RunSetup> RunAsync(RunRecord run, EngineConnection engine, RunSetup setup, CancellationToken cancellationToken)
    {
        var request = run.Request;
        if (request.Purpose != RunPurpose.Command || request.SkipRestore)
        {
            return setup;
        }

        var plan = run.Plan!;
        var (target, arguments) = request.RestoreFor is { } named ? (named.Target, named.Arguments) : (plan.RestoreTarget, plan.RestoreArguments);
        if (request.RestoreFor is null && !plan.NeedsRestore)
        {
            return setup;
        }

        var workingDirectory = request.WorkingDirectory;
        if (request.RestoreProject is { } shared)
        {
            (workingDirectory, target) = SharedRestore(run.Source, shared);
        }

        var settings = RestoreSettings.Read(request.Feeds, request.FeedCredentials, Environment.GetEnvironmentVariable, Environment.CurrentDirectory);
        var restorePlan = settings.Plan(run.Source, setup.State.Root, workingDirectory, target, arguments,
            setup.HostPaths, request.Agent, request.Canaries) with
        {
            ListenAddress = request.ListenAddress,
            Reuse = request.ReuseRestore ?? Environment.GetEnvironmentVariable("SANDBOXBUILD_RESTORE_REUSE") != "0",
        };
        var restore = await RestoreStage.RunAsync(engine, setup.Policy, restorePlan, run.Log, cancellationToken);
        if (!restore.Succeeded)
        {
            await ReportEgressAsync(run, restore);
        }

        switch (restore.Outcome)
        {
            case RestoreOutcome.GateFailed:
                // The restore sandbox's verdict is the run's: it failed the gate, nothing of the repository ran.
                ConsoleReport.LogFailures(restore.Gate!, run.Log);
                run.Verdict = GateVerdict.Decide(restore.Gate!, baseline: null, setup.Policy, driftFails: false);
                throw new SandboxException(Codes.RestoreGateFailed, $"{ConsoleReport.Summary(restore.Gate!)} Restore did not run.");
            case RestoreOutcome.Failed:
                throw new SandboxException(Codes.SandboxRestoreFailed, $"dotnet restore exited with {restore.ExitCode} in the restore sandbox.");
            case RestoreOutcome.Restored:
                run.Log.Detail(ConsoleReport.Summary(restore.Gate!));
                break;
        }

        return setup with { Restore = restore };
    }

    /// <summary>
    /// What the restore's proxy refused, once it has stopped (it stops while the build sandbox starts). Every
    /// run that restored waits for this before its gate's verdict, so the findings are in its log.
    /// </summary>
    public static async Task ReportEgressAsync(RunRecord run, RestoreResult? restore)
    {
        if (restore is null)
        {
            return;
        }

        EgressLog.Report(run.Log, await restore.Egress);
    }

    /// <summary>
    /// The restore of a solution (or project) shared by several runs: run in its own folder, by its file name, so
    /// every run that names it has the same restore inputs, whichever folder its command runs in.
    /// </summary>
    private static (string WorkingDirectory, string Target) SharedRestore(string source, string project)
    {
        var full = Path.GetFullPath(project, source);
        if (!full.StartsWith(source.TrimEnd('/') + "/", StringComparison.Ordinal) || !File.Exists(full))
        {
            throw new SandboxException(Codes.InvalidInput, $"The project to restore '{SafeText.Escape(project)}' is not a file inside the source folder {source}.");
        }

        return (Path.GetRelativePath(source, Path.GetDirectoryName(full)!), Path.GetFileName(full));
    }

    /// <summary>`stage` arguments that lay the restore's outputs over the staged source, when the sandbox has them.</summary>
    public static IEnumerable<string> OverlayArguments(SandboxLayout layout) =>
        layout.ExtraMounts.Any(m => m.Target == RestoreLayout.ResultsTarget) ? ["--overlay", RestoreLayout.ResultsTarget] : [];
}
