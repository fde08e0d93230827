using System.CommandLine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Runs;

namespace SandboxBuild.Cli;

/// <summary>`sandboxbuild demo`: the attacks the pattern promises to stop, tried live in a real sandbox, each shown with the kernel's answer.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var source = SharedOptions.Source();
        var policy = SharedOptions.Policy();
        var image = SharedOptions.Image();
        var trust = SharedOptions.TrustRepositoryPolicy();
        var demo = new Command("demo", "Try to break out of a sandbox made from the policy (network, DNS, credentials, source, privileges) and show each attempt blocked.")
        {
            source, policy, image, trust,
        };
        CommandHost.SetAction(demo, async (result, log, cancellationToken) =>
        {
            log.Info("Isolation demo: every attempt below runs for real inside a sandbox made from the policy, as the sandbox user, before anything else.");
            var run = await new RunPipeline(log).RunAsync(new RunRequest
            {
                SourceDirectory = result.GetValue(source)!,
                Purpose = RunPurpose.Prove,
                ProveKind = SandboxKinds.Demo,
                PolicyFile = result.GetValue(policy),
                Overrides = new PolicyOverrides { Image = result.GetValue(image) },
                TrustRepositoryPolicy = SharedOptions.Trusts(result, trust),
            }, cancellationToken);
            if (run.Verdict is not { } verdict)
            {
                return run.ExitCode;
            }

            var attempts = DemoReport.Attempts(verdict);
            foreach (var attempt in attempts)
            {
                log.Info($"  {(attempt.Blocked ? "BLOCKED" : "BREACH ")}  {attempt.What,-58} {attempt.Evidence}");
            }

            if (!verdict.Passed || attempts.Count == 0)
            {
                log.Error(Codes.ProbeEscalation, $"{attempts.Count(a => !a.Blocked)} attempt(s) were not blocked, or the gate failed: this sandbox does not isolate.");
                return ExitCodes.GateFailed;
            }

            log.Info($"All {attempts.Count} attempts were blocked; the security gate passed ({verdict.Report.Findings.Count} checks in {verdict.Report.Duration.TotalSeconds:0.0} s).");
            return ExitCodes.Success;
        });
        return demo;
    }
}
