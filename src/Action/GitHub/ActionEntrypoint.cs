using System.CommandLine.Parsing;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Reporting;
using SandboxBuild.Runs;

namespace SandboxBuild.Cli.GitHub;

/// <summary>
/// The GitHub Action: the runner's contract in, a sandboxed run, the runner's contract out. Inputs come from
/// INPUT_*, outputs go to $GITHUB_OUTPUT, the checks to $GITHUB_STEP_SUMMARY, errors become annotations. The
/// sandbox is a sibling container started through the runner's Docker socket, so our paths are translated
/// to the runner's; none of the runner's tokens, none of the step's env and never the socket reach it.
/// </summary>
internal static class ActionEntrypoint
{
    private static readonly string[] RunnerTokens = ["ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_RESULTS_URL", "GITHUB_TOKEN"];

    public static async Task<int> RunAsync(ISandboxLog log, CancellationToken cancellationToken)
    {
        var request = Request(Environment.GetEnvironmentVariable, OwnContainer.IsContainerized);
        var workspace = request.SourceDirectory;
        var inputs = new ActionInputs(Environment.GetEnvironmentVariable);
        var sarif = InWorkspace(workspace, inputs.Sarif, "sarif");
        var output = request.PublishDirectory!;
        var result = await new RunPipeline(log).RunAsync(request, cancellationToken);

        if (result.Verdict is { } verdict)
        {
            File.WriteAllText(sarif, SarifReport.Write(verdict.Report, verdict.Drift, workspace,
                result.Policy?.Origin.File ?? Path.Combine(workspace, PolicyLoader.DefaultFileName)));
            GitHubFiles.AppendSummary(GitHubSummary.Write(verdict.Report, verdict.Drift, result.Collection, result.CommandExitCode));
        }

        ActionOutputs.Write(new Dictionary<string, string>
        {
            ["gate-result"] = result.Verdict?.Passed == true ? "passed" : "failed",
            ["exit-code"] = result.CommandExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["artifacts-path"] = Relative(workspace, PublishFolder.Files(output)),
            ["manifest-path"] = Relative(workspace, Path.Combine(output, PublishFolder.ManifestFile)),
            ["provenance-path"] = Relative(workspace, Path.Combine(output, PublishFolder.ProvenanceFile)),
            ["sarif-path"] = Relative(workspace, sarif),
        });
        return result.ExitCode;
    }

    /// <summary>The run the step's inputs and environment ask for (checked: every path stays in the workspace).</summary>
    internal static RunRequest Request(Func<string, string?> environment, bool containerized)
    {
        var inputs = new ActionInputs(environment);
        var workspace = environment("GITHUB_WORKSPACE") is { Length: > 0 } w ? Path.GetFullPath(w)
            : throw new SandboxException(Codes.ActionEnvironment, "GITHUB_WORKSPACE is not set: this is not a GitHub Actions step.");
        InWorkspace(workspace, inputs.WorkingDirectory, "working-directory");
        return new RunRequest
        {
            SourceDirectory = workspace,
            WorkingDirectory = inputs.WorkingDirectory,
            PolicyFile = inputs.Policy is { } policy ? InWorkspace(workspace, policy, "policy") : null,
            Overrides = new PolicyOverrides { Image = inputs.Image, Timeout = inputs.Timeout },
            Command = CommandLineParser.SplitCommandLine(inputs.Command).ToArray(),
            PublishDirectory = InWorkspace(workspace, inputs.Output, "output"),
            TranslateOwnContainerPaths = containerized,
            // A self-hosted runner keeps its home between jobs: a restore made by one pull request's code is not
            // reused by the next job unless the workflow says so (SANDBOXBUILD_RESTORE_REUSE=1).
            ReuseRestore = environment("SANDBOXBUILD_RESTORE_REUSE") == "1",
            Canaries = RunnerTokens.Select(environment).OfType<string>().ToArray(),
            BaselineFile = inputs.Baseline is { } baseline ? InWorkspace(workspace, baseline, "baseline") : null,
            BuildLogicRecord = inputs.BuildLogicBaseline is { } buildLogic ? InWorkspace(workspace, buildLogic, "build-logic-baseline") : null,
            DriftFailsGate = inputs.FailOnDrift,
            SourceDescription = $"{environment("GITHUB_REPOSITORY")}@{environment("GITHUB_SHA")}",
        };
    }

    /// <summary>Paths from inputs stay inside the workspace: the only folder the runner shares with the next steps.</summary>
    private static string InWorkspace(string workspace, string path, string input)
    {
        var full = Path.GetFullPath(path, workspace);
        if (full != workspace && !full.StartsWith(workspace + "/", StringComparison.Ordinal))
        {
            throw new SandboxException(Codes.InvalidInput, $"The input '{input}' ({path}) is outside the workspace.", "Use a path relative to the repository.");
        }

        return full;
    }

    private static string Relative(string workspace, string path) => Path.GetRelativePath(workspace, path);
}
