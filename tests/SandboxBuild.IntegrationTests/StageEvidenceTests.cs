using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SandboxBuild.Runs;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// One pipeline, one kind of evidence: a run that ends in any stage leaves its log, its audit record, the
/// output written so far and an exit code that names the stage, the same for a fresh and a warm sandbox.
/// </summary>
public sealed partial class StageEvidenceTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string WritePartial = "echo partial > /workspace/output/partial.txt";

    /// <summary>A failure made for real in one stage: its arguments, and the evidence it must leave.</summary>
    public sealed record StageFailure(string Name, string[] Arguments, int ExitCode, string Outcome, string? Code, bool WritesOutput)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<StageFailure, bool> Failures()
    {
        var failures = new[]
        {
            new StageFailure("bad policy", ["--policy", "{policy:network: [}"], 2, "InvalidInput", "SBX2000", WritesOutput: false),
            new StageFailure("engine gone", [], 125, "SandboxError", "SBX1001", WritesOutput: false),
            new StageFailure("gate failure", ["--policy", "{policy:network: bridge}"], 121, "GateFailed", null, WritesOutput: false),
            new StageFailure("staging failure", ["--policy", "{policy:workspace_size: 1m}"], 125, "SandboxError", "SBX3006", WritesOutput: false),
            new StageFailure("timeout", ["--timeout", "25s", "--", "/bin/sh", "-c", $"{WritePartial}; sleep 120"], 124, "TimedOut", null, WritesOutput: true),
            new StageFailure("out of memory", ["--memory", "64m", "--", "/bin/sh", "-c", $"{WritePartial}; tail /dev/zero"], 137, "OutOfMemory", null, WritesOutput: true),
            new StageFailure("command failure", ["--", "/bin/sh", "-c", $"{WritePartial}; exit 3"], 3, "CommandFailed", null, WritesOutput: true),
        };
        var data = new TheoryData<StageFailure, bool>();
        foreach (var failure in failures)
        {
            data.Add(failure, false);
            data.Add(failure, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failure_in_any_stage_leaves_the_same_evidence_for_a_fresh_and_a_warm_sandbox(StageFailure failure, bool warm)
    {
        using var source = new TempFolder();
        using var trusted = new TempFolder("sandboxbuild-policy-");
        source.Write("big.bin", new string('x', 3 << 20));
        var arguments = new List<string> { "run", "-C", source.Path };
        if (warm)
        {
            arguments.Add("--warm");
        }

        arguments.AddRange(failure.Arguments.Select(a => PolicyFile().Match(a) is { Success: true } m ? trusted.Write("policy.yml", m.Groups["yaml"].Value) : a));
        if (!arguments.Contains("--"))
        {
            arguments.AddRange(["--", "/bin/true"]);
        }

        var environment = failure.Name == "engine gone" ? new Dictionary<string, string?> { ["DOCKER_HOST"] = $"unix://{source.Path}/no-engine.sock" } : null;

        try
        {
            var result = await Cli.RunAsync(arguments, environment);

            Assert.True(failure.ExitCode == result.ExitCode, $"exit {result.ExitCode}, expected {failure.ExitCode}:\n{result.All}");
            var runId = RunId().Match(result.All).Groups["id"].Value;
            var audit = AuditLog.Read(StatePaths.For(source.Path).AuditLog).LastOrDefault(r => r["runId"]?.GetValue<string>() == runId);
            Assert.True(audit is not null, $"no audit record for run '{runId}':\n{result.All}");
            Assert.Equal(failure.Outcome, audit["outcome"]!.GetValue<string>());
            Assert.Equal(warm ? "warm" : "fresh", audit["lease"]!.GetValue<string>());
            Assert.Equal(failure.ExitCode, audit["exitCode"]!.GetValue<int>());
            if (failure.Code is { } code)
            {
                Assert.Equal(code, audit["failure"]?.GetValue<string>());
                Assert.Contains($"error {code}", result.All, StringComparison.Ordinal);
            }

            var log = audit["log"]!.GetValue<string>();
            Assert.True(File.Exists(log), log);
            Assert.Contains($"Run {runId}", File.ReadAllText(log), StringComparison.Ordinal);

            var partial = Path.Combine(source.Path, "sandbox-output", "artifacts", "partial.txt");
            Assert.Equal(failure.WritesOutput, File.Exists(partial));
            if (failure.WritesOutput)
            {
                Assert.Equal("partial\n", File.ReadAllText(partial));
                Assert.NotNull(audit["artifacts"]);
            }
        }
        finally
        {
            await Cli.RunAsync(["stop", "--all", "-C", source.Path]);
        }

        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [GeneratedRegex(@"^\{policy:(?<yaml>.*)\}$")]
    private static partial Regex PolicyFile();

    [GeneratedRegex(@"Run (?<id>\d{8}-\d{6}-[0-9a-f]{8}) ")]
    private static partial Regex RunId();
}
