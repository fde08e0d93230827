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

    public static string Summary(ValidationReport report) => Summary(GateVerdict.Of(report));

    public static string Summary(GateVerdict verdict)
    {
        var report = verdict.Report;
        var failed = report.Findings.Count(f => f.Status == CheckStatus.Fail);
        var warned = report.Findings.Count(f => f.Status == CheckStatus.Warn);
        var passed = report.Findings.Count(f => f.Status == CheckStatus.Pass);
        var drift = verdict.Weakenings.Count > 0 ? $", {verdict.Weakenings.Count} weakened against the baseline" : "";
        var time = report.Duration > TimeSpan.Zero ? $" in {report.Duration.TotalSeconds:0.00} s" : "";
        return $"Security gate {(verdict.Passed ? "PASSED" : "FAILED")}: {passed} passed, {failed} failed, {warned} warnings{drift}{time}.";
    }

    /// <summary>
    /// The verdict as a run tells it: each failure and weakening as a coded message with its fix, the table at
    /// detail level, and the one-line summary.
    /// </summary>
    public static void LogVerdict(GateVerdict verdict, ISandboxLog log, bool fullTable = false)
    {
        LogFailures(verdict.Report, log);
        foreach (var change in verdict.Drift)
        {
            if (change.Weaker && verdict.DriftFails)
            {
                log.Error(Codes.Drift, $"{change.Describe()}. Fix: {Codes.Drift.Fix}", change.Location);
            }
            else if (change.Weaker)
            {
                log.Warning(Codes.Drift, $"{change.Describe()} (drift does not fail this run).", change.Location);
            }
            else if (fullTable)
            {
                log.Info($"Drift (not a weakening): {change.Describe()}");
            }
            else
            {
                log.Detail($"drift (not a weakening): {change.Describe()}");
            }
        }

        if (fullTable)
        {
            log.Info(Table(verdict.Report, includePasses: true, includeSummary: false));
        }
        else
        {
            log.Detail(Table(verdict.Report, includePasses: true, includeSummary: false));
        }

        log.Info(Summary(verdict));
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
