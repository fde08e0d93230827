using Docker.DotNet.Models;

namespace SandboxBuild.Engine;

/// <summary>What `docker inspect` says about one sandbox, in this library's own terms.</summary>
public sealed class ContainerDescription
{
    private readonly ContainerInspectResponse _inspect;

    public ContainerDescription(ContainerInspectResponse inspect) => _inspect = inspect;

    public string Id => _inspect.ID;

    public string ImageId => _inspect.Image ?? "";

    public bool Running => _inspect.State?.Running == true;

    public bool Paused => _inspect.State?.Paused == true;

    public IReadOnlyDictionary<string, string> Labels => _inspect.Config?.Labels?.AsReadOnly() ?? new Dictionary<string, string>().AsReadOnly();

    /// <summary>Bind and volume mounts as the engine made them: the host source, where it is inside, and how.</summary>
    public IReadOnlyList<MountFact> Mounts => (_inspect.Mounts ?? [])
        .Select(m => new MountFact(m.Type ?? "", m.Type == "volume" ? m.Name ?? m.Source ?? "" : m.Source ?? "", m.Destination ?? "", !m.RW, m.Propagation ?? ""))
        .ToArray();

    /// <summary>The isolation this container really has; an incomplete inspect throws (SBX2901).</summary>
    public IsolationFacts Isolation(IReadOnlySet<string> outputTargets) => InspectFacts.From(_inspect, outputTargets);

    /// <summary>The image as the container was created from it (a name, unlike <see cref="ImageId"/>).</summary>
    public string ImageReference => _inspect.Config?.Image ?? "";

    /// <summary>Writable in-memory folders: the tmpfs mounts, and the engine's /dev/shm unless IPC is off.</summary>
    public IReadOnlyList<string> TmpfsTargets => (_inspect.HostConfig?.Tmpfs?.Keys ?? Enumerable.Empty<string>())
        .Concat((_inspect.HostConfig?.Mounts ?? []).Where(m => m.Type == "tmpfs").Select(m => m.Target))
        .OfType<string>()
        .Where(t => t.Length > 0)
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    public string IpcMode => _inspect.HostConfig?.IpcMode ?? "";

    public string NetworkMode => _inspect.HostConfig?.NetworkMode ?? "";

    /// <summary>The environment the container was created with (`NAME=value`), the image's own included.</summary>
    public IReadOnlyList<string> Environment => _inspect.Config?.Env?.ToArray() ?? [];

    public string? Label(string name) => Labels.TryGetValue(name, out var value) ? value : null;
}
