using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// Removes what crashed runs left behind: sandboxes whose owning process is gone, whose lifetime has passed,
/// or that have stopped. Found by label, never by name, so it cannot touch containers it did not create.
/// </summary>
public static class Janitor
{
    public static async Task<int> SweepAsync(EngineConnection engine, ISandboxLog log, CancellationToken cancellationToken)
    {
        var removed = 0;
        foreach (var container in await ListAsync(engine, [], cancellationToken))
        {
            var labels = container.Labels ?? new Dictionary<string, string>();
            var reason = WhyLeftOver(container.State, labels, DateTimeOffset.UtcNow);
            if (reason is null)
            {
                continue;
            }

            try
            {
                await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken);
                log.Detail($"removed leftover sandbox {container.ID[..12]} ({reason})");
                removed++;
            }
            catch (Docker.DotNet.DockerApiException)
            {
                // Removed concurrently by another run's janitor: fine.
            }
        }

        return removed;
    }

    public static async Task<IList<ContainerListResponse>> ListAsync(EngineConnection engine, IEnumerable<string> extraLabelFilters, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool> { [$"{SandboxLabels.Managed}=true"] = true };
        foreach (var filter in extraLabelFilters)
        {
            labels[filter] = true;
        }

        return await engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        }, cancellationToken);
    }

    /// <summary>Why a managed container is a leftover, or null when it is in use. Pure, for tests.</summary>
    public static string? WhyLeftOver(string state, IDictionary<string, string> labels, DateTimeOffset now)
    {
        // A "created" container may be a concurrent run's between create and start: judged by owner and lifetime only.
        if (state is "exited" or "dead")
        {
            return $"state {state}";
        }

        if (labels.TryGetValue(SandboxLabels.Expires, out var expires) && long.TryParse(expires, CultureInfo.InvariantCulture, out var at)
            && DateTimeOffset.FromUnixTimeSeconds(at) < now)
        {
            return "lifetime passed";
        }

        if (labels.TryGetValue(SandboxLabels.Kind, out var kind) && kind != "session" && labels.TryGetValue(SandboxLabels.Owner, out var owner) && !OwnerAlive(owner))
        {
            return $"owner {owner} is gone";
        }

        return null;
    }

    private static bool OwnerAlive(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length < 2 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            // Another machine's (or container's) run: its own janitor, or the lifetime, takes care of it.
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
