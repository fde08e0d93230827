namespace SandboxBuild.Policy;

/// <summary>
/// The tighten-only rule for extra mounts, and the rule every layer's mounts obey. A repository may drop a
/// mount, make one read-only, or add a read-only view of a folder that is already inside the source (the
/// source is mounted anyway, so nothing new of the host comes in). It never names a host path outside the
/// source, and no committed link may take a mount out of it.
/// </summary>
internal static class MountTightening
{
    public static PolicyField Field(string sourceDirectory) => new(
        "mounts",
        p => $"[{string.Join(", ", p.Mounts)}]",
        (floor, repository) => Loosening(floor, repository, sourceDirectory),
        (effective, repository) => effective with { Mounts = repository.Mounts });

    /// <summary>
    /// Why a mount leaves the source: declared inside the source (where the repository controls every link)
    /// but resolved outside it, or, for a repository's mount, outside the source at all. Null when it stays.
    /// </summary>
    public static string? LeavesSource(MountSpec mount, string sourceDirectory, bool fromRepository)
    {
        var source = HostPath.Resolve(sourceDirectory, "/");
        var declared = HostPath.Lexical(mount.Source, sourceDirectory);
        string resolved;
        try
        {
            resolved = HostPath.Resolve(mount.Source, sourceDirectory);
        }
        catch (IOException e)
        {
            return e.Message;
        }

        var declaredInside = HostPath.IsWithin(declared, sourceDirectory) || HostPath.IsWithin(declared, source);
        if (fromRepository && !declaredInside)
        {
            return $"'{mount.Source}' is {declared}, outside the source";
        }

        return declaredInside && !HostPath.IsWithin(resolved, source) ? $"'{mount.Source}' resolves to {resolved} through a link, outside the source" : null;
    }

    private static Loosening? Loosening(SandboxPolicy floor, SandboxPolicy repository, string sourceDirectory)
    {
        foreach (var mount in repository.Mounts)
        {
            var kept = floor.Mounts.FirstOrDefault(m => m.Source == mount.Source && m.Target == mount.Target);
            if (kept is not null && (mount.ReadOnly || !kept.ReadOnly))
            {
                continue; // the floor's own mount, as it was or made read-only
            }

            if (!mount.ReadOnly)
            {
                return $"mount {mount} would be writable";
            }

            if (LeavesSource(mount, sourceDirectory, fromRepository: true) is { } why)
            {
                return new Loosening(why, Diagnostics.Codes.MountLeavesSource);
            }
        }

        return null;
    }
}
