using System.CommandLine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Runs;
using SandboxBuild.Validation;
using SandboxBuild.Validation.Compose;

namespace SandboxBuild.Cli;

/// <summary>
/// `sandboxbuild validate`: the security gate on its own, for CI. Judges the policy and compose files, then a
/// real sandbox made from the policy (or a running one), compares with the committed baseline, and reports
/// as a table, JSON, SARIF and GitHub annotations. Exits non-zero on any failure.
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
        var staticOnly = new Option<bool>("--static-only") { Description = "Judge files only; start no sandbox (weaker: no runtime facts, no probes)." };
        var baseline = new Option<string?>("--baseline") { Description = "Fail on any weakening against this baseline file." };
        var writeBaseline = new Option<string?>("--write-baseline") { Description = "Record the validated sandbox as the approved baseline in this file." };
        var json = new Option<string?>("--json") { Description = "Write the findings as JSON to this file (- for standard output)." };
        var sarif = new Option<string?>("--sarif") { Description = "Write SARIF 2.1.0 for code scanning to this file." };
        var trust = SharedOptions.TrustRepositoryPolicy();

        var validate = new Command("validate", "Prove the sandbox's isolation: policy, compose files, docker inspect and probes from inside; fail on any weakness or drift.")
        {
            source, policy, image, compose, container, staticOnly, baseline, writeBaseline, json, sarif, trust,
        };
        CommandHost.SetAction(validate, async (result, log, cancellationToken) =>
        {
            var sourceDirectory = Path.GetFullPath(result.GetValue(source)!);
            var resolution = PolicyResolver.Resolve(new TrustedPolicyInputs
            {
                PolicyFile = result.GetValue(policy), Overrides = new PolicyOverrides { Image = result.GetValue(image) }, BaselineFile = result.GetValue(baseline),
                TrustRepositoryPolicy = SharedOptions.Trusts(result, trust),
            }, sourceDirectory);
            var effective = resolution.Policy;
            var host = HostContext.Current(sourceDirectory);
            var report = Gate.JudgeStatic(resolution, sourceDirectory, host);

            var composeFiles = result.GetValue(compose) is { Length: > 0 } given ? given : ComposeReader.FindDefault(sourceDirectory) is { } found ? [found] : [];
            foreach (var file in composeFiles)
            {
                report = report.With(ComposeReader.Judge(file, host));
            }

            if (!result.GetValue(staticOnly))
            {
                using var engine = await EngineConnection.ConnectAsync(log, cancellationToken);
                if (result.GetValue(container) is null)
                {
                    // The image a run would really use, so a baseline written here matches what runs.
                    effective = effective with { Image = (await ImageResolver.ResolveAsync(engine, effective, log, cancellationToken)).Reference };
                }

                var runtime = await JudgeRuntimeAsync(engine, effective, sourceDirectory, host, result.GetValue(container), log, cancellationToken);
                report = runtime with { Findings = [.. report.Findings, .. runtime.Findings] };
            }

            var drift = result.GetValue(baseline) is { } baselineFile ? BaselineDiff.Compare(Baseline.Read(baselineFile), effective, report) : null;
            return Report(report, drift, effective, sourceDirectory, result.GetValue(json), result.GetValue(sarif), result.GetValue(writeBaseline), log);
        });
        return validate;
    }

    private static async Task<ValidationReport> JudgeRuntimeAsync(
        EngineConnection engine, SandboxPolicy policy, string source, HostContext host, string? containerId, ISandboxLog log, CancellationToken cancellationToken)
    {
        if (containerId is null)
        {
            log.Info($"Starting a validation sandbox from {policy.Image} ...");
            return await LiveValidation.ValidatePolicyAsync(engine, policy, source, host, log, cancellationToken);
        }

        var attached = SandboxContainer.Attach(engine, containerId);
        var layout = new SandboxLayout { SourceDirectory = source, OutputDirectory = source };
        return await Gate.JudgeRunningAsync(engine, attached, policy, layout, host, cancellationToken);
    }

    private static int Report(
        ValidationReport report, IReadOnlyList<DriftChange>? drift, SandboxPolicy policy, string source, string? json, string? sarif, string? writeBaseline, ISandboxLog log)
    {
        log.Info(ConsoleReport.Table(report, includePasses: true));
        ConsoleReport.LogFailures(report, log);
        foreach (var change in drift ?? [])
        {
            if (change.Weaker)
            {
                log.Error(Codes.Drift, $"{change.Describe()}. Fix: {Codes.Drift.Fix}", change.Location);
            }
            else
            {
                log.Info($"Drift (not a weakening): {change.Describe()}");
            }
        }

        if (json is not null)
        {
            var text = JsonReport.Write(report, drift);
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
            File.WriteAllText(sarif, SarifReport.Write(report, drift, source, policy.Origin.File ?? Path.Combine(source, PolicyLoader.DefaultFileName)));
            log.Info($"SARIF written to {sarif}.");
        }

        GitHubFiles.AppendSummary(GitHubSummary.Write(report, drift, null, null));

        var passed = report.Passed && (drift is null || drift.All(d => !d.Weaker));
        if (writeBaseline is not null)
        {
            Baseline.From(policy, report).Write(writeBaseline);
            log.Info(passed ? $"Baseline written to {writeBaseline}; commit it." : $"Baseline written to {writeBaseline}, but the gate FAILED: do not approve it as is.");
        }

        if (drift is { Count: > 0 } && drift.All(d => !d.Weaker))
        {
            log.Info("No weakening against the baseline.");
        }

        return passed ? ExitCodes.Success : ExitCodes.GateFailed;
    }
}
