using System.Globalization;

namespace SandboxBuild.Engine;

/// <summary>
/// A sandbox's cgroup as the host sees it, when the host running SandboxBuild is the engine's (not a remote
/// engine, not the action's container). Its memory high-water mark is exact and costs one read, where the
/// engine's one-shot stats wait for its next one-second collection tick.
/// </summary>
internal static class HostCgroup
{
    // cgroup v1 and v2, under the cgroupfs and the systemd drivers: Docker's own naming.
    private static readonly string[] PeakFiles =
    [
        "/sys/fs/cgroup/memory/docker/{0}/memory.max_usage_in_bytes",
        "/sys/fs/cgroup/memory/system.slice/docker-{0}.scope/memory.max_usage_in_bytes",
        "/sys/fs/cgroup/docker/{0}/memory.peak",
        "/sys/fs/cgroup/system.slice/docker-{0}.scope/memory.peak",
    ];

    /// <summary>The most memory the container's cgroup has used, or null when this host cannot see it.</summary>
    public static long? PeakMemoryBytes(string containerId)
    {
        // A container id is 64 hex digits: nothing else may reach a path.
        if (containerId.Length != 64 || !containerId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        foreach (var pattern in PeakFiles)
        {
            try
            {
                var text = File.ReadAllText(string.Format(CultureInfo.InvariantCulture, pattern, containerId)).Trim();
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
                {
                    return bytes;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return null;
    }
}
