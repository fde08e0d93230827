using System.Diagnostics;
using System.Net.Sockets;

namespace SandboxBuild.Probing;

/// <summary>
/// Walks every mount that came from outside the image once, for two things only a mount can bring in: unix
/// sockets of the host (an engine socket, an SSH agent), each tried, and credential material by name and
/// content (<see cref="CredentialMaterial"/>, the same rules the host side applies before the container exists).
/// The image's own files are not walked. The walk is bounded; a walk cut short is reported as incomplete.
/// </summary>
internal static class SocketProbe
{
    private const int MaxEntries = 300_000;
    private static readonly TimeSpan MaxTime = TimeSpan.FromSeconds(5);

    private static readonly HashSet<string> PseudoFilesystems = new(StringComparer.Ordinal)
    {
        "proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue", "devtmpfs", "securityfs", "debugfs", "tracefs",
        "bpf", "pstore", "configfs", "fusectl", "hugetlbfs", "binfmt_misc", "autofs", "nsfs",
    };

    public static void Run(ProbeRequest request, IReadOnlyList<MountEntry> mounts, ProbeReport report)
    {
        var clock = Stopwatch.StartNew();
        var entries = 0;
        var complete = true;
        var roots = mounts
            .Where(m => m.MountPoint != "/" && !PseudoFilesystems.Contains(m.FsType))
            .Where(m => !m.MountPoint.StartsWith("/proc/", StringComparison.Ordinal) && !m.MountPoint.StartsWith("/sys/", StringComparison.Ordinal))
            .Where(m => !request.SkipSocketScan.Contains(m.MountPoint))
            .Select(m => m.MountPoint)
            .Distinct(StringComparer.Ordinal);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var inSource = request.SourcePath is { } source && (root == source || root.StartsWith(source.TrimEnd('/') + "/", StringComparison.Ordinal));
            foreach (var path in Walk(root))
            {
                if (++entries > MaxEntries || clock.Elapsed > MaxTime)
                {
                    complete = false;
                    break;
                }

                if (!LinuxStat.TryLstat(path, out var stat, out _))
                {
                    continue;
                }

                if (stat.Kind == FileKind.Socket && seen.Add(path))
                {
                    report.Sockets.Add(TryConnect(path));
                }

                CredentialWalk.Judge(root, path, stat, inSource, report);
            }

            if (!complete)
            {
                break;
            }
        }

        report.SocketScanEntries = entries;
        report.SocketScanComplete = complete;
    }

    // Depth-first, by lstat: a symlinked folder is never entered, so the walk cannot be led off the mount.
    private static IEnumerable<string> Walk(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        var options = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        while (pending.Count > 0)
        {
            var path = pending.Pop();
            yield return path;
            if (!LinuxStat.TryLstat(path, out var stat, out _) || stat.Kind != FileKind.Directory)
            {
                continue;
            }

            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateFileSystemEntries(path, "*", options).ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var child in children)
            {
                pending.Push(child);
            }
        }
    }

    private static SocketFinding TryConnect(string path)
    {
        var finding = new SocketFinding { Path = path };
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            finding.Connected = true;
            finding.Detail = "connected";
        }
        catch (SocketException e)
        {
            finding.Detail = $"{e.SocketErrorCode}: {e.Message}";
        }

        return finding;
    }
}
