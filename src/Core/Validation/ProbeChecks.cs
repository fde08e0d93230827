using System.Globalization;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Probing;

namespace SandboxBuild.Validation;

/// <summary>
/// Judges what the probe saw from inside. Unknown values fail: an unread capability set, a missing network
/// attempt or an incomplete socket scan is a failure, never a pass.
/// </summary>
public static class ProbeChecks
{
    private const FactSource Probe = FactSource.Probe;

    public static IEnumerable<Finding> Judge(ProbeReport report, ProbeRequest request)
    {
        if (report.Errors.Count > 0)
        {
            yield return Finding.Fail(Codes.ProbeFailed, Probe, "probe", string.Join("; ", report.Errors), "no probe errors");
        }

        yield return Finding.Judge(report.Interfaces is ["lo"], Codes.ProbeInterfaces, Probe, "interfaces",
            report.Interfaces.Count == 0 ? "none readable" : string.Join(", ", report.Interfaces), "lo only");

        var routed = report.Routes.Count + report.Ipv6Addresses.Count;
        yield return Finding.Judge(routed == 0, Codes.ProbeRoutes, Probe, "routes and IPv6 addresses",
            $"{report.Routes.Count} routes, {report.Ipv6Addresses.Count} IPv6 addresses", "none");

        yield return JudgeAttempt(report.Tcp, request.TcpTarget, Codes.ProbeEgress, "TCP to host listener");
        yield return JudgeAttempt(report.Udp, request.UdpTarget, Codes.ProbeDns, "DNS to host responder");

        yield return Finding.Judge(report.Uid > 0, Codes.ProbeRootUser, Probe, "uid",
            report.Uid < 0 ? "unreadable" : report.Uid.ToString(CultureInfo.InvariantCulture), "not 0");

        var caps = new[] { ("CapEff", report.CapEff), ("CapPrm", report.CapPrm), ("CapBnd", report.CapBnd), ("CapAmb", report.CapAmb) };
        var held = caps.Where(c => !IsZero(c.Item2)).ToArray();
        yield return Finding.Judge(held.Length == 0, Codes.ProbeCapabilities, Probe, "capability sets",
            held.Length == 0 ? "all zero" : string.Join(", ", held.Select(c => $"{c.Item1}={Show(c.Item2)}")), "all zero");

        yield return Finding.Judge(report.NoNewPrivs == 1, Codes.ProbeNoNewPrivs, Probe, "NoNewPrivs", Number(report.NoNewPrivs), "1");
        yield return Finding.Judge(report.Seccomp == 2, Codes.ProbeSeccomp, Probe, "Seccomp mode", Number(report.Seccomp), "2 (filter)");

        yield return JudgeReadOnly(report.ProcSys, Codes.ProbeProcSysWritable, "/proc/sys");
        foreach (var agent in report.ReleaseAgents)
        {
            yield return JudgeReadOnly(agent, Codes.ProbeReleaseAgentWritable, agent.Path);
        }

        if (request.SourcePath is not null)
        {
            yield return JudgeReadOnly(report.Source, Codes.ProbeSourceWritable, "source");
        }

        if (request.ReadOnlyTrees.Count > 0)
        {
            yield return Finding.Judge(report.WritableSubMounts.Count == 0, Codes.SubMountWritable, Probe, "mounts below read-only mounts",
                report.WritableSubMounts.Count == 0 ? "none writable" : $"writable: {string.Join(", ", report.WritableSubMounts.Select(p => SafeText.Escape(p)))}",
                "none writable");
        }

        if (request.OutputPath is not null)
        {
            yield return Finding.Judge(report.Output?.Writable == true, Codes.ProbeOutputNotWritable, Probe, "output folder",
                report.Output is null ? "not tried" : report.Output.Writable ? "writable" : report.Output.Detail, "writable");
        }

        yield return JudgeReadOnly(report.RootFilesystem, Codes.ProbeRootFsWritable, "root filesystem");

        var reachable = report.Sockets.Where(s => s.Connected && !request.ChannelSockets.Contains(s.Path)).Select(s => SafeText.Escape(s.Path)).ToArray();
        yield return Finding.Judge(reachable.Length == 0 && report.SocketScanComplete, Codes.ProbeHostSocket, Probe, "unix sockets",
            reachable.Length > 0 ? $"connected to {string.Join(", ", reachable)}"
                : report.SocketScanComplete ? $"none reachable ({report.SocketScanEntries} entries walked)" : $"scan incomplete after {report.SocketScanEntries} entries",
            "none reachable, scan complete");

        yield return Finding.Judge(report.CredentialFiles.Count == 0, Codes.ProbeCredentialFiles, Probe, "credential files",
            report.CredentialFiles.Count == 0 ? "none" : string.Join(", ", report.CredentialFiles.Select(p => SafeText.Escape(p))), "none");

        var material = report.CredentialMaterialFound.Where(c => !request.SanctionedCredentials.Contains(c.Path)).ToArray();
        yield return Finding.Judge(material.Length == 0, Codes.ProbeCredentialMaterial, Probe, "mounted folders",
            material.Length == 0 ? "no credential material"
                : string.Join(", ", material.Take(5).Select(c => $"{SafeText.Escape(c.Path)} ({SafeText.Escape(c.Why)})"))
                  + (material.Length > 5 ? $" and {material.Length - 5} more" : ""),
            "no credential material");

        yield return Finding.Judge(report.SecretEnvironment.Count == 0, Codes.ProbeSecretEnvironment, Probe, "environment",
            report.SecretEnvironment.Count == 0 ? "no secrets" : string.Join(", ", report.SecretEnvironment.Select(n => SafeText.Escape(n))), "no secret variables");

        yield return JudgeProcesses(report);

        var succeeded = report.Attempts.Where(a => !a.Blocked).ToArray();
        yield return Finding.Judge(report.Attempts.Count > 0 && succeeded.Length == 0, Codes.ProbeEscalation, Probe, "escalation attempts",
            report.Attempts.Count == 0 ? "not tried" : succeeded.Length == 0 ? $"{report.Attempts.Count} blocked"
                : string.Join(", ", succeeded.Select(a => $"{a.Name}: {SafeText.Escape(a.Evidence)}")), "all blocked");
    }

    /// <summary>Only the sandbox's own processes and the SDK's build servers may be running when a command is about to start.</summary>
    private static Finding JudgeProcesses(ProbeReport report)
    {
        var strays = ProcessRules.Strays(report.Processes, report.ProbePid);
        return Finding.Judge(report.ProcessTableRead && report.ProbePid > 0 && strays.Count == 0, Codes.ProbeStrayProcess, Probe, "processes",
            !report.ProcessTableRead ? "process table unreadable"
                : strays.Count == 0 ? $"{report.Processes.Count} processes, none left over"
                : string.Join(", ", strays.Take(5).Select(p => $"pid {p.Pid} {SafeText.Escape(p.Exe.Length > 0 ? p.Exe : "(unreadable)")} {SafeText.Escape(string.Join(' ', p.Arguments.Skip(1)), 80)}")),
            "init, the sandbox's main process, the probe and build servers only");
    }

    private static Finding JudgeAttempt(ConnectResult? result, string? target, SandboxCode code, string subject) =>
        target is null
            ? Finding.Fail(code, Probe, subject, "no host-side listener to try", "network unreachable")
            : Finding.Judge(result?.Outcome == "unreachable", code, Probe, subject,
                result is null ? "not tried" : $"{result.Outcome} ({SafeText.Escape(result.Detail)}, {result.ElapsedMs} ms)", "network unreachable");

    private static Finding JudgeReadOnly(WriteResult? result, SandboxCode code, string subject) =>
        Finding.Judge(result is { Writable: false, MountReadOnly: true }, code, Probe, subject,
            result is null ? "not tried"
                : result.Writable ? "written"
                : result.MountReadOnly == true ? $"read-only ({SafeText.Escape(result.Detail, 80)})"
                : $"mount not read-only ({SafeText.Escape(result.Detail)})",
            "read-only mount, write refused");

    private static bool IsZero(string hex) => hex.Length > 0 && ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) && value == 0;

    private static string Show(string value) => value.Length == 0 ? "unreadable" : value;

    private static string Number(int value) => value < 0 ? "unreadable" : value.ToString(CultureInfo.InvariantCulture);
}
