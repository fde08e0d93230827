using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Validation;

namespace SandboxBuild.Reporting;

/// <summary>The gate's findings as JSON, for tools.</summary>
public static class JsonReport
{
    public static string Write(ValidationReport report, IReadOnlyList<DriftChange>? drift = null)
    {
        var node = new JsonObject
        {
            ["passed"] = report.Passed && (drift is null || drift.All(d => !d.Weaker)),
            ["policySha256"] = report.PolicySha256,
            ["image"] = report.ImageReference,
            ["imageDigest"] = report.ImageDigest,
            ["containerId"] = report.ContainerId,
            ["durationSeconds"] = Math.Round(report.Duration.TotalSeconds, 3),
            ["engine"] = report.Engine is null ? null : JsonSerializer.SerializeToNode(report.Engine),
            ["findings"] = new JsonArray(report.Findings.Select(f => (JsonNode)new JsonObject
            {
                ["code"] = f.Code.Id,
                ["title"] = f.Code.Title,
                ["status"] = f.Status.ToString().ToLowerInvariant(),
                ["severity"] = f.Code.Severity.ToString().ToLowerInvariant(),
                ["source"] = f.Source.ToString().ToLowerInvariant(),
                ["subject"] = f.Subject,
                ["seen"] = f.Seen,
                ["expected"] = f.Expected,
                ["fix"] = f.Code.Fix,
                ["file"] = f.Location?.File,
                ["line"] = f.Location?.Line,
            }).ToArray()),
            ["drift"] = drift is null ? null : new JsonArray(drift.Select(d => (JsonNode)new JsonObject
            {
                ["setting"] = d.Setting,
                ["baseline"] = d.Baseline,
                ["current"] = d.Current,
                ["weaker"] = d.Weaker,
            }).ToArray()),
        };
        return node.ToJsonString(JsonText.Indented);
    }
}
