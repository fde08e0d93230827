using SandboxBuild.Engine;

namespace SandboxBuild.Validation;

/// <summary>
/// The layout of a sandbox someone else started (`validate --container`), read from `docker inspect` alone, so
/// the gate judges it by what it is, not by SandboxBuild's own conventions (/workspace/src, /workspace/output,
/// the probe volume): which writable bind mount is the output, which read-only one is the source, where the
/// probe is (or may be placed), and what the probe's walk may skip. A pure function of the inspect result.
/// </summary>
public sealed record ContainerLayout
{
    /// <summary>Targets of the writable bind mount taken as the output; every other writable host mount is a finding.</summary>
    public IReadOnlySet<string> OutputTargets { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public string? OutputPath => OutputTargets.Count == 1 ? OutputTargets.First() : null;

    /// <summary>The read-only bind mount the probe proves read-only from inside (the repository's, if it is mounted).</summary>
    public string? SourcePath { get; init; }

    /// <summary>Where SandboxBuild's probe volume is mounted, if it is; else the probe is placed in <see cref="Scratch"/>.</summary>
    public string? ProbeDirectory { get; init; }

    /// <summary>Read-only bind mounts: the probe proves nothing mounted below them is writable.</summary>
    public IReadOnlyList<string> ReadOnlyTrees { get; init; } = [];

    /// <summary>Writable in-memory folders (tmpfs, /dev/shm) the probe's files can be placed in, best first.</summary>
    public IReadOnlyList<string> Scratch { get; init; } = [];

    /// <summary>In-memory folders and the probe volume: nothing from the host can be in them; the probe's walk skips them.</summary>
    public IReadOnlyList<string> SkipWalk { get; init; } = [];

    /// <param name="declaredOutput">The output target the caller named; otherwise a single writable bind mount of a
    /// folder that is neither a home nor the repository is taken as the output, as for a compose file.</param>
    public static ContainerLayout From(ContainerDescription container, HostContext host, string? declaredOutput)
    {
        var binds = container.Mounts.Where(m => m.Type == "bind").ToArray();
        var writable = binds.Where(m => !m.ReadOnly).ToArray();
        var output = declaredOutput is not null
            ? writable.Where(m => m.Target == declaredOutput).Select(m => m.Target).ToArray()
            : writable.Length == 1 && !host.IsHome(writable[0].Source) && Trim(writable[0].Source) != host.RepositoryRoot ? [writable[0].Target] : [];

        // The repository's mount, writable or not (the probe then proves it writable: a finding); else the first read-only one.
        var source = binds.FirstOrDefault(m => host.RepositoryRoot is { } repo && Trim(m.Source) == repo)
            ?? binds.Where(m => m.ReadOnly).OrderBy(m => m.Target, StringComparer.Ordinal).FirstOrDefault();

        var probe = container.Mounts.FirstOrDefault(m => m.Type == "volume" && m.Source.StartsWith("sandboxbuild-probe-", StringComparison.Ordinal))?.Target;
        var tmpfs = container.TmpfsTargets.OrderBy(t => t == "/tmp" ? 0 : 1).ThenBy(t => t, StringComparer.Ordinal).ToList();
        // The engine gives every container with its own IPC namespace a /dev/shm tmpfs, writable by anyone.
        var scratch = tmpfs.Concat(container.IpcMode is "none" ? [] : ["/dev/shm"]).Distinct(StringComparer.Ordinal).ToArray();

        return new ContainerLayout
        {
            OutputTargets = new HashSet<string>(output, StringComparer.Ordinal),
            SourcePath = source?.Target,
            ProbeDirectory = probe,
            ReadOnlyTrees = [.. binds.Where(m => m.ReadOnly).Select(m => m.Target).Order(StringComparer.Ordinal)],
            Scratch = scratch,
            SkipWalk = [.. tmpfs, "/dev/shm", .. probe is null ? Array.Empty<string>() : [probe], SandboxLayout.ProbeMount],
        };
    }

    private static string Trim(string? path) => path is { Length: > 1 } ? path.TrimEnd('/') : path ?? "";
}
