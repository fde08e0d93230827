using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Validation;

namespace SandboxBuild.Reporting;

/// <summary>One attack `demo` tried from inside, and what the gate made of it.</summary>
public sealed record DemoAttempt(bool Blocked, string What, string Evidence);

/// <summary>
/// The gate's probe findings told as the attacks the pattern promises to stop: egress, DNS, credentials,
/// writing the source or the system, escalation. Each line is a finding of the gate, never judged again here.
/// </summary>
public static class DemoReport
{
    private static readonly Dictionary<string, string> Attacks = new(StringComparer.Ordinal)
    {
        [Codes.ProbeEgress.Id] = "egress: TCP to a listener on this host",
        [Codes.ProbeDns.Id] = "DNS: a query to a resolver on this host",
        [Codes.ProbeInterfaces.Id] = "network: interfaces other than lo",
        [Codes.ProbeRoutes.Id] = "network: routes and IPv6 addresses",
        [Codes.ProbeCredentialFiles.Id] = "read host credentials (~/.aws, ~/.ssh, ~/.kube, ~/.docker ...)",
        [Codes.ProbeSecretEnvironment.Id] = "read secrets from the environment",
        [Codes.ProbeSourceWritable.Id] = "write the source code",
        [Codes.ProbeRootFsWritable.Id] = "write the system (root filesystem)",
        [Codes.ProbeHostSocket.Id] = "reach a host socket (docker.sock, ssh-agent ...)",
        [Codes.ProbeRootUser.Id] = "run as root",
        [Codes.ProbeCapabilities.Id] = "hold capabilities",
        [Codes.ProbeProcSysWritable.Id] = "write kernel settings (/proc/sys)",
    };

    public static IReadOnlyList<DemoAttempt> Attempts(GateVerdict verdict)
    {
        var probe = verdict.Report.Findings.Where(f => f.Source == FactSource.Probe).ToArray();
        var attempts = probe
            .Where(f => Attacks.ContainsKey(f.Code.Id))
            .Select(f => new DemoAttempt(f.Status == CheckStatus.Pass, Attacks[f.Code.Id], f.Seen))
            .ToList();

        // The escalation finding covers several attempts (setuid, user namespaces, mount, ...): each is its own line.
        if (verdict.Report.Probe is { } report && probe.Any(f => f.Code == Codes.ProbeEscalation))
        {
            attempts.AddRange(report.Attempts.Select(a => new DemoAttempt(a.Blocked, SafeText.Escape(a.Description), SafeText.Escape(a.Evidence))));
        }

        return attempts;
    }
}
