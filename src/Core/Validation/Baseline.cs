using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Validation;

/// <summary>
/// The approved sandbox, committed to the repository: the effective policy, the image digest, the engine's
/// security facts and each check's result. `validate --baseline` fails on any weakening against it.
/// </summary>
public sealed record Baseline(
    JsonObject Policy,
    string PolicySha256,
    string? ImageReference,
    string? ImageDigest,
    JsonObject? Engine,
    IReadOnlyDictionary<string, string> Checks)
{
    public const string Schema = "https://sandboxbuild.dev/schemas/baseline/v1";

    public static Baseline From(SandboxPolicy policy, ValidationReport report) => new(
        PolicyCanonical.ToNode(policy),
        PolicyCanonical.Sha256(policy),
        report.ImageReference,
        report.ImageDigest,
        report.Engine is null ? null : EngineNode(report.Engine),
        report.Findings.GroupBy(f => f.Code.Id).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Any(f => f.Status == CheckStatus.Fail) ? "fail" : "pass", StringComparer.Ordinal));

    /// <summary>The engine facts a baseline pins; the server version is informative and left out.</summary>
    public static JsonObject EngineNode(EngineFacts engine) => new()
    {
        ["defaultRuntime"] = engine.DefaultRuntime,
        ["rootless"] = engine.Rootless,
        ["usernsRemap"] = engine.UsernsRemap,
        ["seccompProfile"] = engine.SeccompProfile,
        ["cgroupVersion"] = engine.CgroupVersion,
    };

    public void Write(string path)
    {
        var node = new JsonObject
        {
            ["schema"] = Schema,
            ["note"] = "The approved sandbox. Review changes to this file like code: `sandboxbuild validate --baseline` fails on any weakening.",
            ["policySha256"] = PolicySha256,
            ["policy"] = Policy.DeepClone(),
            ["image"] = new JsonObject { ["reference"] = ImageReference, ["digest"] = ImageDigest },
            ["engine"] = Engine?.DeepClone(),
            ["checks"] = new JsonObject(Checks.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)JsonValue.Create(c.Value)))),
        };
        File.WriteAllText(path, node.ToJsonString(JsonText.Indented) + "\n");
    }

    public static Baseline Read(string path)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object");
            if (node["schema"]?.GetValue<string>() != Schema)
            {
                throw new JsonException($"the schema is not {Schema}");
            }

            return new Baseline(
                node["policy"] as JsonObject ?? throw new JsonException("no policy"),
                node["policySha256"]?.GetValue<string>() ?? "",
                node["image"]?["reference"]?.GetValue<string>(),
                node["image"]?["digest"]?.GetValue<string>(),
                node["engine"] as JsonObject,
                (node["checks"] as JsonObject ?? []).ToDictionary(c => c.Key, c => c.Value?.GetValue<string>() ?? "", StringComparer.Ordinal));
        }
        catch (Exception e) when (e is JsonException or IOException or InvalidOperationException or FormatException)
        {
            throw new SandboxException(Codes.BaselineInvalid, $"The baseline '{path}' cannot be read: {e.Message}.", location: new SourceLocation(path, 0));
        }
    }
}
