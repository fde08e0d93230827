using System.Text.Json.Nodes;
using SandboxBuild.Host;

namespace SandboxBuild.Engine;

/// <summary>
/// The ID of the image `bake` built, per engine, in SandboxBuild's private state folder (0600, outside any
/// repository). The fallback for the default image uses exactly this ID. A label proves nothing: every image
/// built FROM the baked one inherits it, and anyone who can build an image can set it.
/// </summary>
public static class BakedImageRecord
{
    public const string FileName = "baked-images.json";

    public static string FilePath => Path.Combine(StateRoot.Path(), FileName);

    /// <summary>The recorded image ID for this engine, or null.</summary>
    public static async Task<(string Id, string Tag)?> ReadAsync(EngineConnection engine, CancellationToken cancellationToken)
    {
        var key = await EngineKeyAsync(engine, cancellationToken);
        try
        {
            var entry = JsonNode.Parse(File.ReadAllText(FilePath))?[key];
            return entry?["id"]?.GetValue<string>() is { } id && id.StartsWith("sha256:", StringComparison.Ordinal)
                ? (id, entry["tag"]?.GetValue<string>() ?? "")
                : null;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null; // no record (or an unreadable one) is no baked image: never a guess
        }
    }

    public static async Task WriteAsync(EngineConnection engine, ResolvedImage image, string tag, CancellationToken cancellationToken)
    {
        var key = await EngineKeyAsync(engine, cancellationToken);
        JsonObject all;
        try
        {
            all = JsonNode.Parse(File.ReadAllText(FilePath)) as JsonObject ?? [];
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            all = [];
        }

        all[key] = new JsonObject { ["id"] = image.Id, ["tag"] = tag, ["recorded"] = DateTimeOffset.UtcNow.ToString("O") };
        StateRoot.WritePrivate(FilePath, all.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>The engine's own ID (stable across restarts), so a record for one engine never applies to another.</summary>
    private static async Task<string> EngineKeyAsync(EngineConnection engine, CancellationToken cancellationToken)
    {
        var info = await engine.Client.System.GetSystemInfoAsync(cancellationToken);
        return info.ID is { Length: > 0 } id ? id : engine.Endpoint.ToString();
    }
}
