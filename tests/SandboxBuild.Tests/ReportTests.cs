using System.Text.Json.Nodes;
using NJsonSchema;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

public class ReportTests
{
    private static (ValidationReport Report, IReadOnlyList<DriftChange> Drift, TempFolder Folder, string PolicyFile) WeakReport()
    {
        var folder = new TempFolder();
        var file = folder.Write("sandbox.yml", "network: bridge\ncap_add: [SYS_ADMIN]\n");
        var policy = PolicyLoader.Load(file);
        var host = new HostContext { RepositoryRoot = folder.Path };
        var report = Gate.JudgeStatic(policy, folder.Path, host).With(
            [Finding.Fail(Codes.ProbeEgress, FactSource.Probe, "TCP to host listener", "connected", "network unreachable")]);
        var drift = BaselineDiff.Compare(Baseline.From(SandboxPolicy.Default, report), policy, report);
        return (report, drift, folder, file);
    }

    [Fact]
    public async Task Sarif_validates_against_the_2_1_0_schema()
    {
        var (report, drift, folder, file) = WeakReport();
        using var _ = folder;
        var sarif = SarifReport.Write(report, drift, folder.Path, file);

        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "sarif-2.1.0.json"));
        var errors = schema.Validate(sarif);

        Assert.Empty(errors.Select(e => $"{e.Path}: {e.Kind}"));
    }

    [Fact]
    public async Task The_schema_check_rejects_broken_sarif_so_it_is_not_vacuous()
    {
        var (report, drift, folder, file) = WeakReport();
        using var _ = folder;
        var sarif = JsonNode.Parse(SarifReport.Write(report, drift, folder.Path, file))!.AsObject();
        sarif.Remove("version");
        sarif["runs"]![0]!["results"]![0]!["level"] = "fatal";

        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "sarif-2.1.0.json"));

        Assert.True(schema.Validate(sarif.ToJsonString()).Count >= 2);
    }

    [Fact]
    public void Sarif_results_carry_what_code_scanning_needs()
    {
        var (report, drift, folder, file) = WeakReport();
        using var _ = folder;

        var sarif = JsonNode.Parse(SarifReport.Write(report, drift, folder.Path, file))!;
        var results = sarif["runs"]![0]!["results"]!.AsArray();
        var rules = sarif["runs"]![0]!["tool"]!["driver"]!["rules"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToArray();

        Assert.Equal("2.1.0", sarif["version"]!.GetValue<string>());
        Assert.Contains(results, r => r!["ruleId"]!.GetValue<string>() == "SBX2001");
        Assert.Contains(results, r => r!["ruleId"]!.GetValue<string>() == "SBX2003");
        Assert.Contains(results, r => r!["ruleId"]!.GetValue<string>() == "SBX2103");
        Assert.Contains(results, r => r!["ruleId"]!.GetValue<string>() == "SBX2801");
        Assert.All(results, r =>
        {
            Assert.Contains(r!["ruleId"]!.GetValue<string>(), rules);
            var location = r["locations"]![0]!["physicalLocation"]!;
            Assert.Equal("sandbox.yml", location["artifactLocation"]!["uri"]!.GetValue<string>());
            Assert.True(location["region"]!["startLine"]!.GetValue<int>() >= 1);
        });
        var network = results.First(r => r!["ruleId"]!.GetValue<string>() == "SBX2001")!;
        Assert.Equal(1, network["locations"]![0]!["physicalLocation"]!["region"]!["startLine"]!.GetValue<int>());
    }

    [Fact]
    public void The_console_table_and_summary_say_what_failed()
    {
        var (report, _, folder, _) = WeakReport();
        using var _f = folder;

        var table = ConsoleReport.Table(report);

        Assert.Matches(@"(?m)^FAIL\s+SBX2001\s+policy", table);
        Assert.Contains("Security gate FAILED", table, StringComparison.Ordinal);
    }

    [Fact]
    public void The_step_summary_is_a_markdown_table_that_escapes_pipes()
    {
        var report = new ValidationReport { Findings = [Finding.Fail(Codes.NetworkNotNone, FactSource.Policy, "network|mode", "a<b>", "none")] };

        var markdown = GitHubSummary.Write(report, null, null, 3);

        Assert.Contains("| ❌ fail | SBX2001 | policy | network\\|mode | a\\<b\\> | none |", markdown, StringComparison.Ordinal);
        Assert.Contains("exit code: **3**", markdown, StringComparison.Ordinal);
    }
}
