using Docker.DotNet.Models;
using SandboxBuild.Policy;

namespace SandboxBuild.Engine;

/// <summary>What a sandbox is for; the janitor and `status` treat them differently.</summary>
public static class SandboxKinds
{
    public const string Run = "run";
    public const string Session = "session";
    public const string Validate = "validate";
    public const string Demo = "demo";
}

/// <summary>
/// Edits the raw create request before the engine sees it: the expert's way to anything the policy cannot say,
/// and how tests build a weakened sandbox for real. The engine's types stay behind this folder.
/// </summary>
public delegate void SandboxCustomization(CreateContainerParameters parameters);

/// <summary>Everything needed to create one sandbox.</summary>
public sealed record SandboxRequest
{
    public required SandboxPolicy Policy { get; init; }

    public required SandboxLayout Layout { get; init; }

    /// <summary>One of <see cref="SandboxKinds"/>.</summary>
    public required string Kind { get; init; }

    public required string RunId { get; init; }

    public required string RepositoryPath { get; init; }

    /// <summary>
    /// How long the container lives at most. Its main process is `sleep` for this long, so the sandbox ends by
    /// itself at its deadline even when the process that started it is killed.
    /// </summary>
    public required TimeSpan Lifetime { get; init; }

    public string Agent { get; init; } = "default";

    /// <summary>Extra labels (e.g. the restore inputs a warm sandbox was made with).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    public IHostPaths HostPaths { get; init; } = IdentityHostPaths.Instance;

    public Func<string, string?> HostVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>For experts and for tests that must build a weakened sandbox: edits the raw create request.</summary>
    public SandboxCustomization? Customize { get; init; }
}

/// <summary>Creates and starts a sandbox exactly as the policy and layout say (see <see cref="SandboxSpec"/>).</summary>
public static class SandboxFactory
{
    public static async Task<SandboxContainer> StartAsync(EngineConnection engine, SandboxRequest request, CancellationToken cancellationToken)
    {
        var labels = SandboxLabels.For(request.Kind, request.RunId, request.RepositoryPath, PolicyCanonical.Sha256(request.Policy),
            DateTimeOffset.UtcNow + request.Lifetime + TimeSpan.FromMinutes(1), request.Agent);
        foreach (var (name, value) in request.Labels)
        {
            labels[name] = value;
        }

        var environment = SandboxEnvironment.Build(request.Policy, request.Layout, request.HostVariable);
        var parameters = SandboxSpec.Create(request.Policy, request.Layout, environment, labels, request.Lifetime, request.HostPaths);
        request.Customize?.Invoke(parameters);
        return await SandboxContainer.StartAsync(engine, parameters, cancellationToken);
    }
}
