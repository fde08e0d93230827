using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation;

/// <summary>
/// Where mounts and tmpfs land inside: never at, below or above the image's system folders or the probe. A
/// folder put there replaces what the image holds (a source mounted at /usr/share/dotnet would be the
/// interpreter the probe runs on, so the repository would write the probe's answers), and a writable one
/// there can be changed between two probes.
/// </summary>
internal static class TargetChecks
{
    /// <summary>Folders of the image the probe and every tool depend on.</summary>
    public static readonly string[] SystemPaths =
        ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/proc", "/sys", "/dev", "/boot", SandboxLayout.ProbeMount];

    public static Finding Judge(IsolationFacts f)
    {
        var covering = f.Mounts.Where(m => !IsOurProbe(m)).Select(m => (m.Target, m.Location))
            .Concat(f.Tmpfs.Where(t => t.Path != "/dev/shm").Select(t => (Target: t.Path, t.Location)))
            .Where(t => Covers(t.Target) is not null)
            .ToArray();
        return Finding.Judge(covering.Length == 0, Codes.TargetCoversSystemPath, f.Source, "mount targets",
            covering.Length == 0 ? $"{f.Mounts.Count} mounts, {f.Tmpfs.Count} tmpfs" : string.Join(", ", covering.Select(c => $"{c.Target} covers {Covers(c.Target)}")),
            "none at, over or under " + string.Join(", ", SystemPaths), covering.FirstOrDefault().Location ?? (covering.Length > 0 ? f.Locate("mounts") : null));
    }

    /// <summary>The system path a target would hide or replace, or null.</summary>
    public static string? Covers(string target)
    {
        // The engine cleans the path (`/workspace/../usr` is /usr), so it is judged cleaned.
        var normalized = Path.GetFullPath("/" + target.TrimStart('/'));
        return SystemPaths.FirstOrDefault(p => Policy.HostPath.IsWithin(normalized, p) || Policy.HostPath.IsWithin(p, normalized));
    }

    /// <summary>Our own read-only probe volume, the one mount that belongs at the probe's path.</summary>
    private static bool IsOurProbe(MountFact m) =>
        m.Type == "volume" && m.Target == SandboxLayout.ProbeMount && m.ReadOnly && m.Source.Contains("sandboxbuild-probe-", StringComparison.Ordinal);
}
