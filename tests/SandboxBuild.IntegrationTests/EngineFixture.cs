using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// The engine connection and the baked sandbox image, shared by every integration test class (classes run
/// in parallel, each with this as a class fixture). No engine or no image is a failure with the way to fix
/// it, never a skip: a skipped security test proves nothing.
/// </summary>
public sealed class EngineFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<(EngineConnection Engine, ResolvedImage Image, string Volume)>> Shared = new(ConnectAsync);

    static EngineFixture()
    {
        // Testcontainers: speak the engine's API version, and no Ryuk (its image would have to be pulled).
        Environment.SetEnvironmentVariable("DOCKER_API_VERSION", Environment.GetEnvironmentVariable("DOCKER_API_VERSION") ?? "1.41");
        Environment.SetEnvironmentVariable("TESTCONTAINERS_RYUK_DISABLED", "true");
        Environment.SetEnvironmentVariable("SANDBOXBUILD_PULL", "never");
    }

    public EngineConnection Engine { get; private set; } = null!;

    public ResolvedImage Image { get; private set; } = null!;

    public string ProbeVolume { get; private set; } = "";

    /// <summary>The hardened default policy on the baked image.</summary>
    public SandboxPolicy Policy => SandboxPolicy.Default with { Image = Image.Reference };

    public static string Cli => Path.Combine(AppContext.BaseDirectory, "sandboxbuild.dll");

    public static ISandboxLog QuietLog { get; } = new ConsoleLog(TextWriter.Null, TextWriter.Null);

    public async Task InitializeAsync() => (Engine, Image, ProbeVolume) = await Shared.Value;

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(EngineConnection, ResolvedImage, string)> ConnectAsync()
    {
        EngineConnection engine;
        try
        {
            engine = await EngineConnection.ConnectAsync(QuietLog, CancellationToken.None);
        }
        catch (SandboxException e)
        {
            throw new InvalidOperationException($"Integration tests need a Docker engine: {e.Message} Run build/test.sh (it starts one).", e);
        }

        var image = await ImageResolver.FindBakedAsync(engine, CancellationToken.None)
            ?? throw new InvalidOperationException("Integration tests need the baked sandbox image: run `build/sandboxbuild.sh bake`.");
        return (engine, image, await SandboxBuild.Engine.ProbeVolume.EnsureAsync(engine, image.Reference, CancellationToken.None));
    }
}
