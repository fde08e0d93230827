using System.Text.RegularExpressions;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// When this process runs in a container (the GitHub Action), the engine sees our files under other paths.
/// Our own container is found (from mountinfo, cgroups or the hostname) and inspected, and its bind mounts
/// give the translation: /github/workspace is really some folder of the runner.
/// </summary>
public static partial class OwnContainer
{
    public static bool IsContainerized => File.Exists("/.dockerenv") || Environment.GetEnvironmentVariable("SANDBOXBUILD_IN_CONTAINER") == "true";

    public static async Task<IHostPaths> HostPathsAsync(EngineConnection engine, CancellationToken cancellationToken)
    {
        if (!IsContainerized)
        {
            return IdentityHostPaths.Instance;
        }

        var id = FindId() ?? throw new SandboxException(Codes.ActionEnvironment,
            "This container's id could not be found, so its paths cannot be translated for the engine.");
        var inspect = await engine.Client.Containers.InspectContainerAsync(id, cancellationToken);
        var mounts = (inspect.Mounts ?? [])
            .Where(m => m.Type == "bind" || m.Type == "volume")
            .Select(m => (m.Destination, m.Source))
            .ToArray();
        return new MountedHostPaths(mounts);
    }

    private static string? FindId()
    {
        foreach (var file in new[] { "/proc/self/mountinfo", "/proc/self/cgroup" })
        {
            if (File.Exists(file) && ContainerId().Match(File.ReadAllText(file)) is { Success: true } match)
            {
                return match.Groups["id"].Value;
            }
        }

        // Docker sets the hostname to the short id unless told otherwise.
        return Environment.GetEnvironmentVariable("HOSTNAME") is { Length: 12 } hostname && hostname.All(char.IsAsciiHexDigitLower) ? hostname : null;
    }

    [GeneratedRegex("(?:/containers/|/docker/|docker-)(?<id>[0-9a-f]{64})")]
    private static partial Regex ContainerId();
}
