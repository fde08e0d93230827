using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Artifacts;

/// <summary>The record of what was published, with sizes and SHA-256 digests, and what was refused and why.</summary>
public static class Manifest
{
    public const string Schema = "https://sandboxbuild.dev/schemas/manifest/v1";

    /// <summary>Writes the manifest and returns its SHA-256, which the provenance names as a byproduct.</summary>
    public static string Write(string path, string runId, CollectionResult result)
    {
        var manifest = new JsonObject
        {
            ["schema"] = Schema,
            ["runId"] = runId,
            ["createdUtc"] = DateTimeOffset.UtcNow.ToString("O"),
            ["complete"] = result.Complete,
            ["totals"] = new JsonObject
            {
                ["files"] = result.Published.Count,
                ["bytes"] = result.TotalBytes,
                ["refused"] = result.Refused.Count,
                ["secrets"] = result.Secrets.Count,
                ["notDeclared"] = result.NotDeclared,
            },
            ["files"] = new JsonArray(result.Published.OrderBy(f => f.Path, StringComparer.Ordinal)
                .Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["size"] = f.Size, ["sha256"] = f.Sha256 }).ToArray()),
            ["refused"] = new JsonArray(result.Refused
                .Select(r => (JsonNode)new JsonObject { ["path"] = r.Path, ["reason"] = r.Reason, ["code"] = r.Code.Id }).ToArray()),
            ["secrets"] = new JsonArray(result.Secrets
                .Select(s => (JsonNode)new JsonObject
                {
                    ["path"] = s.Path, ["line"] = s.Line, ["rule"] = s.Rule, ["masked"] = s.Masked, ["blocked"] = s.Blocked,
                }).ToArray()),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(manifest, JsonText.Indented);
        File.WriteAllBytes(path, bytes);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
