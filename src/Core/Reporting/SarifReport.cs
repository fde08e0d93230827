using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Validation;

namespace SandboxBuild.Reporting;

/// <summary>
/// SARIF 2.1.0 that GitHub code scanning accepts: one rule per code, one result per failed or warned check,
/// each with a file and line (findings about a live container point at the policy file that made it).
/// </summary>
public static class SarifReport
{
    public static string Write(ValidationReport report, IReadOnlyList<DriftChange>? drift, string repositoryRoot, string fallbackFile)
    {
        var results = report.Findings.Where(f => f.Status != CheckStatus.Pass)
            .Select(f => (f.Code, f.Status == CheckStatus.Fail ? "error" : "warning", $"{f.Code.Title}: {f.Describe()}. Fix: {f.Code.Fix}", f.Location))
            .Concat((drift ?? []).Where(d => d.Weaker)
                .Select(d => (Codes.Drift, "error", $"{Codes.Drift.Title}: {d.Describe()}. Fix: {Codes.Drift.Fix}", d.Location)))
            .ToList();
        var rules = results.Select(r => r.Item1).DistinctBy(c => c.Id).OrderBy(c => c.Id, StringComparer.Ordinal).ToList();

        var root = Path.GetFullPath(repositoryRoot).TrimEnd('/') + "/";
        var run = new JsonObject
        {
            ["tool"] = new JsonObject
            {
                ["driver"] = new JsonObject
                {
                    ["name"] = "SandboxBuild",
                    ["informationUri"] = "https://github.com/sandboxbuild/sandboxbuild",
                    ["semanticVersion"] = typeof(SarifReport).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                    ["rules"] = new JsonArray(rules.Select(Rule).ToArray()),
                },
            },
            ["originalUriBaseIds"] = new JsonObject { ["%SRCROOT%"] = new JsonObject { ["uri"] = new Uri(root).AbsoluteUri } },
            ["invocations"] = new JsonArray(new JsonObject { ["executionSuccessful"] = true }),
            ["results"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
            {
                ["ruleId"] = r.Item1.Id,
                ["ruleIndex"] = rules.FindIndex(c => c.Id == r.Item1.Id),
                ["level"] = r.Item2,
                ["message"] = new JsonObject { ["text"] = r.Item3 },
                ["locations"] = new JsonArray(Location(r.Item4, root, fallbackFile)),
                ["partialFingerprints"] = new JsonObject { ["sandboxbuild/v1"] = Fingerprint(r.Item1.Id, r.Item3) },
            }).ToArray()),
        };

        var sarif = new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(run),
        };
        return sarif.ToJsonString(JsonText.Indented);
    }

    private static JsonNode Rule(SandboxCode code) => new JsonObject
    {
        ["id"] = code.Id,
        ["name"] = string.Concat(code.Title.Split(' ', '-', '/').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..])).Replace(".", "", StringComparison.Ordinal),
        ["shortDescription"] = new JsonObject { ["text"] = code.Title },
        ["fullDescription"] = new JsonObject { ["text"] = $"{code.Title}. {code.Fix}" },
        ["help"] = new JsonObject { ["text"] = code.Fix },
        ["defaultConfiguration"] = new JsonObject { ["level"] = code.Severity == Severity.Error ? "error" : code.Severity == Severity.Warning ? "warning" : "note" },
        ["properties"] = new JsonObject
        {
            ["tags"] = new JsonArray("security", "sandbox"),
            ["security-severity"] = code.Severity == Severity.Error ? "8.0" : "4.0",
        },
    };

    private static JsonObject Location(SourceLocation? location, string root, string fallbackFile)
    {
        var file = location?.File ?? fallbackFile;
        var full = Path.GetFullPath(file, root);
        var relative = full.StartsWith(root, StringComparison.Ordinal) ? full[root.Length..] : Path.GetFileName(full);
        return new JsonObject
        {
            ["physicalLocation"] = new JsonObject
            {
                ["artifactLocation"] = new JsonObject { ["uri"] = relative, ["uriBaseId"] = "%SRCROOT%" },
                ["region"] = new JsonObject { ["startLine"] = Math.Max(1, location?.Line ?? 1) },
            },
        };
    }

    private static string Fingerprint(string rule, string message) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rule + "\n" + message)))[..32].ToString(CultureInfo.InvariantCulture);
}
