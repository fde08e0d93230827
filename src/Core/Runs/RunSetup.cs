using SandboxBuild.Engine;
using SandboxBuild.Policy;

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

    public IReadOnlyList<string> PackageFolders { get; init; } = [];

    public SandboxLayout Layout(string outputDirectory) => new()
    {
        SourceDirectory = Source,
        OutputDirectory = outputDirectory,
        PackageFolders = PackageFolders,
        ProbeVolume = ProbeVolume,
        ExtraMounts = SandboxLayout.ResolveExtraMounts(Policy, Source),
    };
}
