using System.CommandLine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Reporting;
using SandboxBuild.Runs;
using SandboxBuild.Validation;
using SandboxBuild.Validation.BuildLogic;

namespace SandboxBuild.Cli;

/// <summary>
/// `sandboxbuild validate --build-logic`: the build-logic gate on its own, the first step of a CI job that
/// lets the host's MSBuild evaluate the repository (the package path). No engine, no evaluation.
/// </summary>
internal static class BuildLogicValidation
{
    public static Option<bool> Option() => new("--build-logic")
    {
        Description = "Judge only the build logic (files the host's MSBuild and NuGet read) against the record given with --baseline, or record it with --write-baseline. Evaluates nothing; needs no engine.",
    };

    public static int Run(string source, string? baseline, string? writeBaseline, string? json, string? sarif, ISandboxLog log)
    {
        if (baseline is null == writeBaseline is null)
        {
            throw new SandboxException(Codes.InvalidInput, "--build-logic needs exactly one of --baseline FILE (judge against the approved record) and --write-baseline FILE (record).");
        }

        var root = Path.GetFullPath(source);
        var options = BuildLogicOptions.ForThisHost();
        var recordFile = Path.GetFullPath(writeBaseline ?? baseline!);
        ValidationReport report;
        if (writeBaseline is not null)
        {
            var exclude = GitIgnoredFiles.Find(root, out var explanation);
            log.Info($"Recording the build logic of {root}: {explanation}.");
            (report, var scan) = BuildLogicGate.Record(root, recordFile, options with { Exclude = exclude });
            Details(scan, options, log);
        }
        else
        {
            (report, var scan) = BuildLogicGate.Judge(root, recordFile, options);
            Details(scan, options, log);
        }

        log.Info(ConsoleReport.Table(report, includePasses: true, includeSummary: false));
        ConsoleReport.LogFailures(report, log);
        if (json == "-")
        {
            Console.Out.WriteLine(JsonReport.Write(report));
        }
        else if (json is not null)
        {
            File.WriteAllText(json, JsonReport.Write(report));
        }

        if (sarif is not null)
        {
            File.WriteAllText(sarif, SarifReport.Write(report, null, root, recordFile));
            log.Info($"SARIF written to {sarif}.");
        }

        GitHubFiles.AppendSummary(GitHubSummary.Write(report, null, null, null));
        var verdict = report.Passed ? "PASSED" : "FAILED";
        log.Info($"Build-logic gate {verdict}: {report.Failures.Count()} failed, {report.Findings.Count(f => f.Status == CheckStatus.Warn)} warnings in {report.Duration.TotalSeconds:0.000} s.");
        if (writeBaseline is not null)
        {
            log.Info(report.Passed ? $"Build-logic record written to {writeBaseline}; review it and commit it." : $"Build-logic record written to {writeBaseline}, but the gate FAILED: do not approve it as is.");
        }

        return report.Passed ? ExitCodes.Success : ExitCodes.GateFailed;
    }

    private static void Details(BuildLogicScan scan, BuildLogicOptions options, ISandboxLog log)
    {
        log.Detail($"Build logic: [input] root={scan.Root} packages={options.PackagesFolder}");
        foreach (var covered in scan.Covered)
        {
            log.Detail($"Build logic: computed path accepted (whatever it names is hashed or is the toolset): {covered}");
        }
    }
}
