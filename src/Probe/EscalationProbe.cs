using System.Net.Sockets;

namespace SandboxBuild.Probing;

/// <summary>
/// The attacks `demo` shows being blocked: each is tried for real and reported with the kernel's answer.
/// None of them sends a packet anywhere but to the validator's own listeners.
/// </summary>
internal static class EscalationProbe
{
    public static void Run(ProbeReport report)
    {
        report.Attempts.Add(Attempt("setuid-root", "become root with setuid(0)", () =>
            Native.setuid(0) == 0 ? (false, "setuid(0) succeeded") : (true, Native.LastError())));

        report.Attempts.Add(Attempt("mount", "mount a filesystem", TryMount));

        report.Attempts.Add(Attempt("engine-socket", "reach the Docker engine through /var/run/docker.sock", () =>
        {
            if (!LinuxStat.TryLstat("/var/run/docker.sock", out _, out _))
            {
                return (true, "no such socket in the sandbox");
            }

            try
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.Connect(new UnixDomainSocketEndPoint("/var/run/docker.sock"));
                return (false, "connected to /var/run/docker.sock");
            }
            catch (SocketException e)
            {
                return (true, $"{e.SocketErrorCode}: {e.Message}");
            }
        }));

        report.Attempts.Add(Attempt("write-system-file", "write /etc/passwd", () =>
        {
            try
            {
                using var stream = new FileStream("/etc/passwd", FileMode.Open, FileAccess.Write);
                return (false, "/etc/passwd opened for writing");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return (true, e.Message);
            }
        }));

        // Last: if it succeeded, the process would be in a new namespace for what followed.
        report.Attempts.Add(Attempt("new-user-namespace", "gain capabilities in a new user namespace", () =>
            Native.unshare(Native.CloneNewUser) == 0 ? (false, "unshare(CLONE_NEWUSER) succeeded") : (true, Native.LastError())));
    }

    // Mounts onto a fresh empty folder of its own and unmounts at once, so that even where it succeeds
    // (a weakened sandbox, or a mistaken run on a host as root) it changes nothing anyone else sees.
    private static (bool Blocked, string Evidence) TryMount()
    {
        var target = Directory.CreateTempSubdirectory("sandboxbuild-mount-").FullName;
        try
        {
            if (Native.mount("none", target, "tmpfs", 0, 0) != 0)
            {
                return (true, Native.LastError());
            }

            Native.umount2(target, Native.MntDetach);
            return (false, "mounted a tmpfs");
        }
        finally
        {
            Directory.Delete(target);
        }
    }

    private static AttemptResult Attempt(string name, string description, Func<(bool Blocked, string Evidence)> attempt)
    {
        var (blocked, evidence) = attempt();
        return new AttemptResult { Name = name, Description = description, Blocked = blocked, Evidence = evidence };
    }
}
