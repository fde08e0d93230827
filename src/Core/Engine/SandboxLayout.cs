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

    public static IReadOnlyList<MountSpec> ResolveExtraMounts(SandboxPolicy policy, string sourceDirectory) =>
        policy.Mounts.Select(m => m with { Source = Path.GetFullPath(ExpandHome(m.Source), sourceDirectory) }).ToArray();

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
