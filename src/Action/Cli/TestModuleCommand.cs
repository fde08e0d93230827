using System.CommandLine;
using SandboxBuild.Policy;
using SandboxBuild.Runs;
using SandboxBuild.TestModules;

namespace SandboxBuild.Cli;

/// <summary>
/// `sandboxbuild test-module [options] -- MODULE-ARGS`: what MTP-mode `dotnet test` starts for a test module of a
/// project that references the SandboxBuild package (the package points the module's RunCommand here). It runs
/// the module in the sandbox and replays its verified results to the SDK. Started any other way (no
/// `--dotnet-test-pipe`), it refuses with SBX4101.
/// </summary>
internal static class TestModuleCommand
{
    public static Command Create()
    {
        var source = SharedOptions.Source();
        var policy = SharedOptions.Policy();
        var limits = new SharedOptions.Limits();
        var agent = SharedOptions.Agent();
        var repositorySettings = SharedOptions.RepositorySettings();
        var warm = new Option<bool>("--warm") { Description = "Reuse (or start) this repository's long-lived sandbox." };
        var restoreProject = SharedOptions.RestoreProject();
        var output = new Option<string?>("--output", "-o") { Description = "Where verified artifacts are published." };
        var baseline = new Option<string?>("--baseline") { Description = "Fail when the sandbox is weaker than this committed baseline." };
        var project = new Option<string>("--project") { Description = "The test project.", Required = true };
        var targetPath = new Option<string>("--target-path") { Description = "The module's path on the host ($(TargetPath)).", Required = true };
        var results = new Option<string>("--default-results") { Description = "The results folder when dotnet test names none.", Required = true };
        var configuration = new Option<string?>("--configuration");
        var framework = new Option<string?>("--framework");
        var runtime = new Option<string?>("--runtime");
        var moduleArguments = new Argument<string[]>("module-arguments") { Description = "What dotnet test passes to the module (after --).", Arity = ArgumentArity.ZeroOrMore };

        var command = new Command("test-module", "Run one Microsoft.Testing.Platform test module in the sandbox for `dotnet test` (started by the SandboxBuild package).")
        {
            source, policy, output, baseline, agent, repositorySettings, warm, restoreProject, project, targetPath, results, configuration, framework, runtime, moduleArguments,
        };
        limits.AddTo(command);
        CommandHost.SetAction(command, async (result, log, cancellationToken) => await new TestModuleRunner(log).RunAsync(new TestModuleRequest
        {
            Run = new RunRequest
            {
                SourceDirectory = result.GetValue(source)!,
                PolicyFile = result.GetValue(policy),
                Overrides = limits.Read(result),
                PublishDirectory = result.GetValue(output) is { } o ? Path.GetFullPath(o) : null,
                Agent = result.GetValue(agent) ?? "default",
                BaselineFile = result.GetValue(baseline),
                Lease = result.GetValue(warm) ? LeaseKind.Warm : LeaseKind.Fresh,
                RestoreProject = result.GetValue(restoreProject),
                RepositorySettings = result.GetValue(repositorySettings) ?? [],
                // Only the invoker's environment can opt in here: an MSBuild property could come from the repository.
                TrustRepositoryPolicy = TrustedPolicyInputs.TrustFromEnvironment(false, Environment.GetEnvironmentVariable),
            },
            Project = result.GetValue(project)!,
            TargetPath = result.GetValue(targetPath)!,
            DefaultResultsDirectory = result.GetValue(results)!,
            Configuration = result.GetValue(configuration),
            TargetFramework = result.GetValue(framework),
            RuntimeIdentifier = result.GetValue(runtime),
            ModuleArguments = result.GetValue(moduleArguments) ?? [],
        }, cancellationToken));
        return command;
    }
}
