using System.CommandLine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Runs;
using SandboxBuild.Validation;
using SandboxBuild.Validation.Compose;

namespace SandboxBuild.Cli;

/// <summary>
/// `sandboxbuild validate`: the security gate on its own, for CI. A run of the pipeline that proves the
/// sandbox and stops (a fresh one made from the policy, or a running one with --container); this command
/// only chooses the inputs and writes the reports (JSON, SARIF, step summary, baseline).
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var source = SharedOptions.Source();
        var policy = SharedOptions.Policy();
        var image = SharedOptions.Image();
        var compose = new Option<string[]>("--compose") { Description = "A compose file in the pattern's format to judge too (repeatable). Default: docker-compose.ai-sandbox.yml if present." };
        var container = new Option<string?>("--container") { Description = "Validate this running sandbox instead of starting one from the policy." };
        var outputTarget = new Option<string?>("--output-target") { Description = "With --container: the writable mount that is its output (default: its only writable bind mount)." };
        var staticOnly = new Option<bool>("--static-only") { Description = "Judge files only; start no sandbox (weaker: no runtime facts, no probes)." };
        var baseline = new Option<string?>("--baseline") { Description = "Fail on any weakening against this baseline file." };
        var writeBaseline = new Option<string?>("--write-baseline") { Description = "Record the validated sandbox as the approved baseline in this file." };
        var json = new Option<string?>("--json") { Description = "Write the findings as JSON to this file (- for standard output)." };
        var sarif = new Option<string?>("--sarif") { Description = "Write SARIF 2.1.0 for code scanning to this file." };
        var buildLogic = BuildLogicValidation.Option();
        var trust = SharedOptions.TrustRepositoryPolicy();

        var validate = new Command("validate", "Prove the sandbox's isolation: policy, compose files, docker inspect and probes from inside; fail on any weakness or drift.")
        {
            source, policy, image, compose, container, outputTarget, staticOnly, baseline, writeBaseline, json, sarif, buildLogic, trust,
        };
        CommandHost.SetAction(validate, async (result, log, cancellationToken) =>
        {
            if (result.GetValue(buildLogic))
            {
                return BuildLogicValidation.Run(result.GetValue(source)!, result.GetValue(baseline), result.GetValue(writeBaseline), result.GetValue(json), result.GetValue(sarif), log);
            }

            var sourceDirectory = Path.GetFullPath(result.GetValue(source)!);
            var attachTo = result.GetValue(container);
            var run = await new RunPipeline(log).RunAsync(new RunRequest
            {
                SourceDirectory = sourceDirectory,
                Purpose = RunPurpose.Prove,
                ShowAllChecks = true,
                Lease = attachTo is null ? LeaseKind.Fresh : LeaseKind.Attached,
                AttachTo = attachTo,
                AttachedOutputTarget = result.GetValue(outputTarget),
                PolicyFile = result.GetValue(policy),
                Overrides = new PolicyOverrides { Image = result.GetValue(image) },
                ComposeFiles = result.GetValue(compose) is { Length: > 0 } given ? given
                    : ComposeReader.FindDefault(sourceDirectory) is { } found ? [found] : [],
                StaticOnly = result.GetValue(staticOnly),
                BaselineFile = result.GetValue(baseline),
                TrustRepositoryPolicy = SharedOptions.Trusts(result, trust),
            }, cancellationToken);

            if (run.Verdict is { } verdict && run.Policy is { } effective)
            {
                WriteReports(verdict, effective, sourceDirectory, result.GetValue(json), result.GetValue(sarif), result.GetValue(writeBaseline), log);
            }

            return run.ExitCode;
        });
        return validate;
    }

    private static void WriteReports(GateVerdict verdict, SandboxPolicy policy, string source, string? json, string? sarif, string? writeBaseline, ISandboxLog log)
    {
        if (json is not null)
        {
            var text = JsonReport.Write(verdict.Report, verdict.Drift);
            if (json == "-")
            {
                Console.Out.WriteLine(text);
            }
            else
            {
                File.WriteAllText(json, text);
            }
        }

        if (sarif is not null)
        {
            File.WriteAllText(sarif, SarifReport.Write(verdict.Report, verdict.Drift, source, policy.Origin.File ?? Path.Combine(source, PolicyLoader.DefaultFileName)));
            log.Info($"SARIF written to {sarif}.");
        }

        GitHubFiles.AppendSummary(GitHubSummary.Write(verdict.Report, verdict.Drift, null, null));

        if (writeBaseline is not null)
        {
            Baseline.From(policy, verdict.Report).Write(writeBaseline);
            log.Info(verdict.Passed ? $"Baseline written to {writeBaseline}; commit it." : $"Baseline written to {writeBaseline}, but the gate FAILED: do not approve it as is.");
        }

        if (verdict.Drift.Count > 0 && verdict.Weakenings.Count == 0)
        {
            log.Info("No weakening against the baseline.");
        }
    }
}
