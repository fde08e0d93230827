using Docker.DotNet.Models;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>Everything needed to create one sandbox.</summary>
public sealed record SandboxRequest
{
    public required SandboxPolicy Policy { get; init; }

    public required SandboxLayout Layout { get; init; }

    /// <summary>run, session, validate or demo: the janitor treats them differently.</summary>
    public required string Kind { get; init; }

    public required string RunId { get; init; }

    public required string RepositoryPath { get; init; }

    public required TimeSpan Lifetime { get; init; }

    public string Agent { get; init; } = "default";

    public IHostPaths HostPaths { get; init; } = IdentityHostPaths.Instance;

    public Func<string, string?> HostVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>For experts and for tests that must build a weakened sandbox: edits the raw create request.</summary>
    public Action<CreateContainerParameters>? Customize { get; init; }
}

public static class SandboxFactory
{
    /// <summary>
    /// What every sandbox of a source folder gets, whether it runs a command, validates or stays warm: the
    /// source, the output folder, the probe and the policy's extra mounts. Packages come only from a restore
    /// sandbox (RestorePreparation.With), never from what the repository's files name.
    /// </summary>
    public static async Task<SandboxLayout> LayoutAsync(EngineConnection engine, SandboxPolicy policy, string source, string outputDirectory, CancellationToken cancellationToken) => new()
    {
        SourceDirectory = source,
        OutputDirectory = outputDirectory,
        ProbeVolume = await ProbeVolume.EnsureAsync(engine, policy.Image, cancellationToken),
        ExtraMounts = SandboxLayout.ResolveExtraMounts(policy, source),
    };

    public static async Task<SandboxContainer> StartAsync(EngineConnection engine, SandboxRequest request, CancellationToken cancellationToken)
    {
        var labels = SandboxLabels.For(request.Kind, request.RunId, request.RepositoryPath, PolicyCanonical.Sha256(request.Policy),
            DateTimeOffset.UtcNow + request.Lifetime + TimeSpan.FromMinutes(5), request.Agent);
        var environment = SandboxEnvironment.Build(request.Policy, request.Layout, request.HostVariable);
        var parameters = SandboxSpec.Create(request.Policy, request.Layout, environment, labels, request.Lifetime, request.HostPaths);
        request.Customize?.Invoke(parameters);
        return await SandboxContainer.StartAsync(engine, parameters, cancellationToken);
    }
}
