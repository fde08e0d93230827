using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// The approved build logic: the SHA-256 of every file the host's MSBuild and NuGet read before the sandbox,
/// the packages the lock files pin, and the hash of those packages' build assets where they were restored.
/// One entry a line, sorted, so a pull request that changes build logic shows it in this file's diff too.
/// </summary>
public sealed record BuildLogicRecord(
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, string> Packages,
    IReadOnlyDictionary<string, string> PackageBuildAssets)
{
    public const string Schema = "https://sandboxbuild.dev/schemas/build-logic/v1";

    // SandboxBuild's one JSON style (indented, '+' and quotes in paths left readable), as JsonText.Indented has it.

    /// <summary>The value of a file only checked for (a flag a condition tests): its presence is approved, not its content.</summary>
    public const string Present = "present";

    /// <summary>The value of an MSBuild project SDK in <see cref="Packages"/>: its version is in the file that names it.</summary>
    public const string MsBuildSdk = "msbuild-sdk";

    public static string PackageKey(string id, string version) => $"{id}/{version}";

    public void Write(string path)
    {
        var node = new JsonObject
        {
            ["schema"] = Schema,
            ["note"] = "The approved build logic (sandboxbuild validate --build-logic). Review changes to this file like code: every file listed here runs on the host.",
            ["files"] = Map(Files, StringComparer.Ordinal),
            ["packages"] = Map(Packages, StringComparer.OrdinalIgnoreCase),
            ["packageBuildAssets"] = Map(PackageBuildAssets, StringComparer.OrdinalIgnoreCase),
        };
        File.WriteAllText(path, node.ToJsonString(JsonText.Indented) + "\n");
    }

    public static BuildLogicRecord Read(string path)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
            if (node["schema"]?.GetValue<string>() != Schema)
            {
                throw new JsonException($"the schema is not {Schema} (an isolation baseline is a different file)");
            }

            return new BuildLogicRecord(
                Strings(node["files"], StringComparer.Ordinal),
                Strings(node["packages"], StringComparer.OrdinalIgnoreCase),
                Strings(node["packageBuildAssets"], StringComparer.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new SandboxException(Codes.BuildLogicRecordInvalid, $"The build-logic record '{path}' cannot be read: {e.Message}.", location: new SourceLocation(path, 0));
        }
    }

    private static JsonObject Map(IReadOnlyDictionary<string, string> values, StringComparer order) =>
        new(values.OrderBy(e => e.Key, order).ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value))));

    private static Dictionary<string, string> Strings(JsonNode? node, StringComparer comparer) =>
        (node as JsonObject ?? throw new JsonException("a section is missing"))
            .ToDictionary(e => e.Key, e => e.Value?.GetValue<string>() ?? throw new JsonException($"'{e.Key}' has no value"), comparer);
}
