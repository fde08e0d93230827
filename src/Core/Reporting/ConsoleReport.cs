using System.Text;
using SandboxBuild.Diagnostics;
using SandboxBuild.Validation;

namespace SandboxBuild.Reporting;

/// <summary>The gate's findings as a plain table: one row per check, failures first.</summary>
public static class ConsoleReport
{
    public static string Table(ValidationReport report, bool includePasses = true, bool includeSummary = true)
    {
        var rows = report.Findings
            .Where(f => includePasses || f.Status != CheckStatus.Pass)
            .OrderByDescending(f => f.Status)
            .ThenBy(f => f.Code.Id, StringComparer.Ordinal)
            .Select(f => new[] { Mark(f.Status), f.Code.Id, f.Source.ToString().ToLowerInvariant(), f.Subject, f.Seen, f.Expected })
            .ToList();
        var builder = new StringBuilder();
        if (rows.Count > 0)
        {
            var header = new[] { "RESULT", "CODE", "FROM", "CHECK", "SEEN", "EXPECTED" };
            var widths = header.Select((h, i) => Math.Min(48, Math.Max(h.Length, rows.Max(r => r[i].Length)))).ToArray();
            builder.AppendLine(Line(header, widths));
            foreach (var row in rows)
            {
                builder.AppendLine(Line(row, widths));
            }
        }

        if (includeSummary)
        {
            builder.Append(Summary(report));
        }

        return builder.ToString().TrimEnd();
    }

    public static string Summary(ValidationReport report)
    {
        var failed = report.Findings.Count(f => f.Status == CheckStatus.Fail);
        var warned = report.Findings.Count(f => f.Status == CheckStatus.Warn);
        var passed = report.Findings.Count(f => f.Status == CheckStatus.Pass);
        var verdict = report.Passed ? "PASSED" : "FAILED";
        var time = report.Duration > TimeSpan.Zero ? $" in {report.Duration.TotalSeconds:0.00} s" : "";
        return $"Security gate {verdict}: {passed} passed, {failed} failed, {warned} warnings{time}.";
    }

    /// <summary>Each failure as a coded error with its fix, for logs that annotate.</summary>
    public static void LogFailures(ValidationReport report, ISandboxLog log)
    {
        foreach (var finding in report.Findings.Where(f => f.Status != CheckStatus.Pass))
        {
            var message = $"{finding.Code.Title} ({finding.Source.ToString().ToLowerInvariant()}): {finding.Describe()}. Fix: {finding.Code.Fix}";
            if (finding.Status == CheckStatus.Fail)
            {
                log.Error(finding.Code, message, finding.Location);
            }
            else
            {
                log.Warning(finding.Code, message, finding.Location);
            }
        }
    }

    private static string Mark(CheckStatus status) => status switch
    {
        CheckStatus.Pass => "pass",
        CheckStatus.Warn => "WARN",
        _ => "FAIL",
    };

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => Fit(c, widths[i]).PadRight(widths[i]))).TrimEnd();

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
