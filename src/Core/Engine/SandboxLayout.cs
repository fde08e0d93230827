using SandboxBuild.Policy;

namespace SandboxBuild.Engine;

/// <summary>The host side of one sandbox: which local folders it gets, and where they appear inside.</summary>
public sealed record SandboxLayout
{
    public const string ProbeMount = "/opt/sandboxbuild/probe";
    public const string PackageMountRoot = "/sandbox/nuget";

    /// <summary>The repository or project folder; mounted read-only.</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>A fresh private folder the sandbox may write; collected after the sandbox stops.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>NuGet package folders the host restore used; mounted read-only.</summary>
    public IReadOnlyList<string> PackageFolders { get; init; } = [];

    /// <summary>The read-only volume holding the probe and stager.</summary>
    public string? ProbeVolume { get; init; }

    /// <summary>The policy's extra mounts with host paths resolved against the source folder.</summary>
    public IReadOnlyList<MountSpec> ExtraMounts { get; init; } = [];

    public static string PackageTarget(int index) => $"{PackageMountRoot}/{index}";

    /// <summary>
    /// The extra mounts with their host paths as the engine will bind them: relative to the source, `~`
    /// expanded, every link followed. Judged and created from this same list, so a link cannot differ between.
    /// </summary>
    public static IReadOnlyList<MountSpec> ResolveExtraMounts(SandboxPolicy policy, string sourceDirectory) =>
        policy.Mounts.Select(m => m with { Source = Resolve(m, sourceDirectory, policy.Origin) }).ToArray();

    private static string Resolve(MountSpec mount, string sourceDirectory, PolicyOrigin origin)
    {
        try
        {
            return HostPath.Resolve(mount.Source, sourceDirectory);
        }
        catch (IOException e)
        {
            throw new Diagnostics.SandboxException(Diagnostics.Codes.MountUnresolvable, $"The mount source '{mount.Source}' cannot be resolved: {e.Message}.",
                location: origin.Locate($"mounts.{mount.Target}"));
        }
    }
}
