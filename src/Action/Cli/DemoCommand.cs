using System.CommandLine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;
using SandboxBuild.Runs;
using SandboxBuild.Validation;

namespace SandboxBuild.Cli;

/// <summary>`sandboxbuild demo`: the attacks the pattern promises to stop, tried live in a real sandbox, each shown with the kernel's answer.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var source = SharedOptions.Source();
        var policy = SharedOptions.Policy();
        var image = SharedOptions.Image();
        var demo = new Command("demo", "Try to break out of a sandbox made from the policy (network, DNS, credentials, source, privileges) and show each attempt blocked.")
        {
            source, policy, image,
        };
        CommandHost.SetAction(demo, async (result, log, cancellationToken) =>
        {
            var sourceDirectory = Path.GetFullPath(result.GetValue(source)!);
            var effective = PolicyForCommand.Resolve(new TrustedPolicyInputs
            {
                PolicyFile = result.GetValue(policy), Overrides = new PolicyOverrides { Image = result.GetValue(image) },
                TrustRepositoryPolicy = TrustedPolicyInputs.TrustFromEnvironment(false, Environment.GetEnvironmentVariable),
            }, sourceDirectory, log);
            using var engine = await EngineConnection.ConnectAsync(log, cancellationToken);
            var resolved = await ImageResolver.ResolveAsync(engine, effective, log, cancellationToken);
            log.Info($"Isolation demo: every attempt below runs for real inside a sandbox made from {effective.Origin.File ?? "the built-in policy"} ({resolved.Reference}).");
            var report = await LiveValidation.ValidatePolicyAsync(engine, effective with { Image = resolved.Reference }, sourceDirectory,
                HostContext.Current(sourceDirectory), log, cancellationToken, kind: "demo");
            var attempts = Attempts(report.Probe).ToList();
            foreach (var (blocked, what, evidence) in attempts)
            {
                log.Info($"  {(blocked ? "BLOCKED" : "BREACH ")}  {what,-58} {evidence}");
            }

            var breaches = attempts.Count(a => !a.Blocked) + (report.Probe is null ? 1 : 0);
            if (breaches > 0 || !report.Passed)
            {
                ValidationReportLog(report, log);
                log.Error(Codes.ProbeEscalation, $"{breaches} attempt(s) were not blocked: this sandbox does not isolate.");
                return ExitCodes.GateFailed;
            }

            log.Info($"All {attempts.Count} attempts were blocked; the security gate passed ({report.Findings.Count} checks in {report.Duration.TotalSeconds:0.0} s).");
            return ExitCodes.Success;
        });
        return demo;
    }

    private static IEnumerable<(bool Blocked, string What, string Evidence)> Attempts(ProbeReport? probe)
    {
        if (probe is null)
        {
            yield break;
        }

        if (probe.Tcp is { } tcp)
        {
            yield return (tcp.Outcome == "unreachable", $"egress: TCP to a listener on this host ({tcp.Target})", $"{tcp.Outcome}: {SafeText.Escape(tcp.Detail)} ({tcp.ElapsedMs} ms)");
        }

        if (probe.Udp is { } udp)
        {
            yield return (udp.Outcome == "unreachable", $"DNS: a query to a resolver on this host ({udp.Target})", $"{udp.Outcome}: {SafeText.Escape(udp.Detail)}");
        }

        yield return (probe.Interfaces is ["lo"] && probe.Routes.Count == 0, "network: interfaces and routes", $"interfaces [{string.Join(", ", probe.Interfaces)}], {probe.Routes.Count} routes");
        yield return (probe.CredentialFiles.Count == 0, "read host credentials (~/.aws, ~/.ssh, ~/.kube, ~/.docker ...)",
            probe.CredentialFiles.Count == 0 ? "none visible" : string.Join(", ", probe.CredentialFiles.Select(p => SafeText.Escape(p))));
        yield return (probe.SecretEnvironment.Count == 0, "read secrets from the environment",
            probe.SecretEnvironment.Count == 0 ? "none present" : string.Join(", ", probe.SecretEnvironment));
        if (probe.Source is { } source)
        {
            yield return (!source.Writable, "write the source code", SafeText.Escape(source.Detail));
        }

        yield return (probe.RootFilesystem is { Writable: false }, "write the system (root filesystem)", SafeText.Escape(probe.RootFilesystem?.Detail ?? "not tried"));
        foreach (var attempt in probe.Attempts)
        {
            yield return (attempt.Blocked, attempt.Description, SafeText.Escape(attempt.Evidence));
        }
    }

    private static void ValidationReportLog(ValidationReport report, ISandboxLog log) => Reporting.ConsoleReport.LogFailures(report, log);
}
