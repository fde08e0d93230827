using System.CommandLine;
using SandboxBuild.Runs;

namespace SandboxBuild.Cli;

/// <summary>`sandboxbuild run [options] -- command`: one sandboxed run, `dotnet test` by default.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var source = SharedOptions.Source();
        var policy = SharedOptions.Policy();
        var limits = new SharedOptions.Limits();
        var agent = SharedOptions.Agent();
        var repositorySettings = SharedOptions.RepositorySettings();
        var trust = SharedOptions.TrustRepositoryPolicy();
        var output = new Option<string?>("--output", "-o") { Description = "Where verified artifacts are published. Default: the policy's output path (sandbox-output)." };
        var workdir = new Option<string?>("--workdir") { Description = "Folder inside the source the command runs in (relative)." };
        var baseline = new Option<string?>("--baseline") { Description = "Fail the run when the sandbox is weaker than this committed baseline." };
        var noRestore = new Option<bool>("--no-restore") { Description = "Do not restore first: the command gets no packages." };
        var feeds = new Option<string[]>("--feed") { Description = "A trusted package feed (URL or folder) for the restore sandbox; repeatable. Default: SANDBOXBUILD_FEEDS, else nuget.org." };
        var feedCredentials = new Option<string[]>("--feed-credential") { Description = "HOST=ENVVAR: the credential in ENVVAR (user:secret or a token) for that feed host, in the restore sandbox only." };
        var warm = new Option<bool>("--warm") { Description = "Reuse (or start) this repository's long-lived sandbox: build servers and incremental builds stay warm. Proven again before every use." };
        var restoreProject = SharedOptions.RestoreProject();
        var command = new Argument<string[]>("command") { Description = "The command to run inside (after --). Default: dotnet test.", Arity = ArgumentArity.ZeroOrMore };

        var run = new Command("run", "Run a command (default: dotnet test) in a fresh no-network sandbox, behind the security gate, and publish its verified output.")
        {
            source, policy, output, workdir, baseline, noRestore, feeds, feedCredentials, restoreProject, warm, agent, repositorySettings, trust, command,
        };
        limits.AddTo(run);
        CommandHost.SetAction(run, async (result, log, cancellationToken) =>
        {
            var outcome = await new RunPipeline(log).RunAsync(new RunRequest
            {
                SourceDirectory = result.GetValue(source)!,
                PolicyFile = result.GetValue(policy),
                Overrides = limits.Read(result),
                Command = result.GetValue(command) ?? [],
                WorkingDirectory = result.GetValue(workdir) ?? ".",
                PublishDirectory = result.GetValue(output) is { } o ? Path.GetFullPath(o) : null,
                SkipRestore = result.GetValue(noRestore),
                Lease = result.GetValue(warm) ? LeaseKind.Warm : LeaseKind.Fresh,
                Feeds = result.GetValue(feeds) ?? [],
                FeedCredentials = result.GetValue(feedCredentials) ?? [],
                RestoreProject = result.GetValue(restoreProject),
                Agent = result.GetValue(agent) ?? "default",
                BaselineFile = result.GetValue(baseline),
                RepositorySettings = result.GetValue(repositorySettings) ?? [],
                TrustRepositoryPolicy = SharedOptions.Trusts(result, trust),
            }, cancellationToken);
            return outcome.ExitCode;
        });
        return run;
    }
}
