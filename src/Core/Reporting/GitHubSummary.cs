using System.Text;
using SandboxBuild.Artifacts;
using SandboxBuild.Validation;

namespace SandboxBuild.Reporting;

/// <summary>The Markdown written to $GITHUB_STEP_SUMMARY: the gate's checks as a table, drift, and what was published.</summary>
public static class GitHubSummary
{
    public static string Write(ValidationReport report, IReadOnlyList<DriftChange>? drift, CollectionResult? collection, long? exitCode)
    {
        var md = new StringBuilder();
        md.AppendLine($"## SandboxBuild: security gate {(report.Passed && (drift is null || drift.All(d => !d.Weaker)) ? "passed ✅" : "failed ❌")}");
        md.AppendLine();
        md.AppendLine("| Result | Code | From | Check | Seen | Expected |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var f in report.Findings.OrderByDescending(f => f.Status).ThenBy(f => f.Code.Id, StringComparer.Ordinal))
        {
            var mark = f.Status switch { CheckStatus.Pass => "✅ pass", CheckStatus.Warn => "⚠️ warn", _ => "❌ fail" };
            md.AppendLine($"| {mark} | {f.Code.Id} | {f.Source.ToString().ToLowerInvariant()} | {Cell(f.Subject)} | {Cell(f.Seen)} | {Cell(f.Expected)} |");
        }

        if (drift is { Count: > 0 })
        {
            md.AppendLine().AppendLine("### Drift from the baseline").AppendLine();
            foreach (var change in drift)
            {
                md.AppendLine($"- {(change.Weaker ? "❌" : "ℹ️")} {Cell(change.Describe())}");
            }
        }

        if (exitCode is { } code)
        {
            md.AppendLine().AppendLine($"Command exit code: **{code}**");
        }

        if (collection is not null)
        {
            md.AppendLine().AppendLine($"Published **{collection.Published.Count}** files ({collection.TotalBytes} bytes); refused {collection.Refused.Count}; secrets found {collection.Secrets.Count}.");
        }

        return md.ToString();
    }

    // Table cells carry repository text (paths, names): inert Markdown, one row per finding whatever it holds.
    private static string Cell(string text) => MarkdownText.Inline(text);
}
