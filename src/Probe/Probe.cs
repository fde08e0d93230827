namespace SandboxBuild.Probing;

/// <summary>
/// Gathers the isolation facts the host side cannot see from outside. It never judges: every fact goes into
/// the report raw, and a fact it could not read is left at its "unknown" value, which the judge fails.
/// </summary>
internal static class Probe
{
    public static ProbeReport Run(ProbeRequest request)
    {
        var report = new ProbeReport { ProbePid = Environment.ProcessId };
        var mounts = MountTable.Read(report.Errors);

        Guard(report, "identity", () => IdentityProbe.Read(report));
        Guard(report, "network", () => NetworkProbe.Run(request, report));
        Guard(report, "filesystem", () => FilesystemProbe.Run(request, mounts, report));
        Guard(report, "sockets", () => SocketProbe.Run(request, mounts, report));
        Guard(report, "credentials", () => CredentialProbe.Run(request, report));
        Guard(report, "escalation", () => EscalationProbe.Run(report));
        Guard(report, "processes", () => ProcessProbe.Run(report));
        return report;
    }

    private static void Guard(ProbeReport report, string part, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            report.Errors.Add($"{part}: {e.GetType().Name}: {e.Message}");
        }
    }
}
