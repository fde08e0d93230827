using System.Diagnostics;
using System.Globalization;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>A sandbox as the engine lists it.</summary>
public sealed record SandboxInfo(string Id, string State, string Image, DateTime Created, IReadOnlyDictionary<string, string> Labels)
{
    public string ShortId => Id[..Math.Min(12, Id.Length)];

    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A leftover the janitor removed, and why: a run whose owner died is recorded by the caller.</summary>
public sealed record Leftover(SandboxInfo Sandbox, string Reason);

/// <summary>
/// Removes what crashed runs left behind: sandboxes whose owning process is gone, whose lifetime has passed,
/// or that have stopped. Found by label, never by name, so it cannot touch containers it did not create.
/// What they wrote stays in their private output folder, for the caller to record and publish.
/// </summary>
public static class Janitor
{
    public static async Task<IReadOnlyList<Leftover>> SweepAsync(EngineConnection engine, ISandboxLog log, CancellationToken cancellationToken)
    {
        var removed = new List<Leftover>();
        foreach (var sandbox in await ListAsync(engine, [], cancellationToken))
        {
            var stoppedAt = sandbox.State is "exited" or "dead" ? await StoppedAtAsync(engine, sandbox.Id, cancellationToken) : null;
            if (WhyLeftOver(sandbox.State, sandbox.Labels, DateTimeOffset.UtcNow, stoppedAt) is not { } reason)
            {
                continue;
            }

            if (await RemoveAsync(engine, sandbox.Id))
            {
                log.Detail($"removed leftover sandbox {sandbox.ShortId} ({reason})");
                removed.Add(new Leftover(sandbox, reason));
            }
        }

        return removed;
    }

    public static async Task<IReadOnlyList<SandboxInfo>> ListAsync(EngineConnection engine, IEnumerable<string> extraLabelFilters, CancellationToken cancellationToken)
    {
        var labels = new Dictionary<string, bool> { [$"{SandboxLabels.Managed}=true"] = true };
        foreach (var filter in extraLabelFilters)
        {
            labels[filter] = true;
        }

        var containers = await EngineException.Wrap(() => engine.Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = labels },
        }, cancellationToken), "docker ps");
        return containers.Select(c => new SandboxInfo(c.ID, c.State ?? "", c.Image ?? "", c.Created,
            (c.Labels ?? new Dictionary<string, string>()).AsReadOnly())).ToArray();
    }

    /// <summary>Removes a sandbox and its anonymous volumes; false when it was gone already (or another janitor won).</summary>
    public static async Task<bool> RemoveAsync(EngineConnection engine, string id)
    {
        try
        {
            await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
            return true;
        }
        catch (Docker.DotNet.DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (Docker.DotNet.DockerApiException e)
        {
            throw new EngineException($"docker rm {id[..Math.Min(12, id.Length)]}: {EngineException.Describe(e)}", e);
        }
    }

    /// <summary>
    /// How long a stopped sandbox with no living owner is left alone: a warm sandbox killed at its run's deadline
    /// (warm sandboxes outlive their starter, so they name no owner) is still being collected by that run, and a
    /// container's logs are read just after it stops.
    /// </summary>
    public static readonly TimeSpan StoppedGrace = TimeSpan.FromMinutes(2);

    /// <summary>Why a managed container is a leftover, or null when it is in use. Pure, for tests.</summary>
    /// <param name="stoppedAt">When a stopped one stopped (null: unknown, judged as long ago).</param>
    public static string? WhyLeftOver(string state, IReadOnlyDictionary<string, string> labels, DateTimeOffset now, DateTimeOffset? stoppedAt = null)
    {
        if (labels.TryGetValue(SandboxLabels.Expires, out var expires) && long.TryParse(expires, CultureInfo.InvariantCulture, out var at)
            && DateTimeOffset.FromUnixTimeSeconds(at) < now)
        {
            return "lifetime passed";
        }

        var owner = labels.TryGetValue(SandboxLabels.Kind, out var kind) && kind != SandboxKinds.Session
            && labels.TryGetValue(SandboxLabels.Owner, out var named) ? named : null;
        if (owner is not null && !OwnerAlive(owner))
        {
            return $"owner {owner} is gone";
        }

        // A stopped sandbox whose owner lives is being collected by it (a finished or cancelled run): not ours to take.
        // A "created" one may be a concurrent run's between create and start: judged by owner and lifetime only.
        if (state is "exited" or "dead" && owner is null && (stoppedAt is null || now - stoppedAt > StoppedGrace))
        {
            return $"state {state}";
        }

        return null;
    }

    private static async Task<DateTimeOffset?> StoppedAtAsync(EngineConnection engine, string id, CancellationToken cancellationToken)
    {
        try
        {
            var finished = (await engine.Client.Containers.InspectContainerAsync(id, cancellationToken)).State?.FinishedAt;
            return DateTimeOffset.TryParse(finished, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && at.Year > 1 ? at : null;
        }
        catch (Docker.DotNet.DockerApiException)
        {
            return null; // gone meanwhile: removing it again is harmless
        }
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
