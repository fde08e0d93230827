using System.Text.Json;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>What a `global.json` decides on the host: SDK search paths (`sdk.paths`) and MSBuild project SDK versions (`msbuild-sdks`).</summary>
public sealed record GlobalJsonFacts(IReadOnlyList<string> SdkPaths, IReadOnlyList<SdkReference> MsBuildSdks)
{
    /// <summary>The `sdk.paths` entry that means "the dotnet that was started".</summary>
    public const string HostToken = "$host$";

    /// <exception cref="FormatException">Not JSON the SDK would read.</exception>
    public static GlobalJsonFacts Read(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = document.RootElement;
            var paths = new List<string>();
            if (root.TryGetProperty("sdk", out var sdk) && sdk.ValueKind == JsonValueKind.Object
                && sdk.TryGetProperty("paths", out var entries) && entries.ValueKind == JsonValueKind.Array)
            {
                paths.AddRange(entries.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!));
            }

            var sdks = new List<SdkReference>();
            if (root.TryGetProperty("msbuild-sdks", out var msbuildSdks) && msbuildSdks.ValueKind == JsonValueKind.Object)
            {
                sdks.AddRange(msbuildSdks.EnumerateObject().Select(p => new SdkReference(p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null, 1)));
            }

            return new GlobalJsonFacts(paths, sdks);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException(e.Message, e);
        }
    }
}
