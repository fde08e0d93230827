using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Restore;

namespace SandboxBuild.Runs;

/// <summary>What a run has settled before it takes a sandbox: who it is, its policy and image, and what to mount.</summary>
internal sealed record RunSetup
{
    public required string RunId { get; init; }

    public required string Source { get; init; }

    public required StatePaths State { get; init; }

    public required RunRequest Request { get; init; }

    /// <summary>The effective policy, its image replaced by the one resolved on the engine.</summary>
    public required SandboxPolicy Policy { get; init; }

    public required ResolvedImage Image { get; init; }

    public required string ProbeVolume { get; init; }

    /// <summary>How the engine's host sees this process's paths (translated when we run in a container).</summary>
    public required IHostPaths HostPaths { get; init; }

    /// <summary>This run's restore (from the restore sandbox, or reused); null when the command needs none.</summary>
    public RestoreResult? Restore { get; init; }

    /// <summary>
    /// What the sandbox mounts: the source, the output, the probe, the policy's extra mounts, and only the package
    /// folder and results this run's restore produced (read-only, at the paths restore saw). No file of the
    /// repository chooses a mount.
    /// </summary>
    public SandboxLayout Layout(string outputDirectory) => new()
    {
        SourceDirectory = Source,
        OutputDirectory = outputDirectory,
        PackageFolders = Restore?.PackageFolder is { } packages ? [packages] : [],
        ProbeVolume = ProbeVolume,
        ExtraMounts =
        [
            .. SandboxLayout.ResolveExtraMounts(Policy, Source),
            .. Restore?.ResultsFolder is { } results ? [new MountSpec(results, RestoreLayout.ResultsTarget, ReadOnly: true)] : Array.Empty<MountSpec>(),
        ],
    };
}
