using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SandboxBuild.Runs;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Limits that stop a run with a code and evidence (out of memory, a fork bomb), parallel agents, warm reuse
/// and the emergency stop: each with the audit record and the output written so far kept.
/// </summary>
public sealed partial class LimitsAndAgentsTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private static JsonObject AuditRecord(string source, CliResult result)
    {
        var runId = RunId().Match(result.All).Groups["id"].Value;
        return AuditLog.Read(StatePaths.For(source).AuditLog).Last(r => r["runId"]?.GetValue<string>() == runId);
    }

    [Fact]
    public async Task A_run_out_of_memory_is_stopped_and_reported_with_evidence_and_its_audit_record()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--memory", "64m", "--",
            "/bin/sh", "-c", "echo before > /workspace/output/before.txt; tail /dev/zero"]);

        Assert.True(result.ExitCode == 137, result.All);
        Assert.Contains("error SBX3003", result.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(source.Path, "sandbox-output", "artifacts", "before.txt")));
        var audit = AuditRecord(source.Path, result);
        Assert.Equal("OutOfMemory", audit["outcome"]!.GetValue<string>());
        // The kernel kills only at the limit: the peak is at least 64m however fast the kill came.
        Assert.True(audit["peaks"]!["memoryBytes"]!.GetValue<long>() >= 64L << 20, audit.ToJsonString());
        Assert.Contains("killed for using more than 64m", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task A_fork_bomb_is_stopped_at_the_process_limit_and_reported_with_evidence()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--pids", "64", "--timeout", "2m", "--",
            "/bin/bash", "-c", "echo before > /workspace/output/before.txt; bomb() { bomb | bomb & }; bomb; sleep 300"]);

        Assert.Equal(137, result.ExitCode);
        Assert.Contains("error SBX3004", result.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(source.Path, "sandbox-output", "artifacts", "before.txt")));
        var audit = AuditRecord(source.Path, result);
        Assert.Equal("PidsLimit", audit["outcome"]!.GetValue<string>());
        Assert.Equal(64, audit["peaks"]!["pids"]!.GetValue<long>());
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task A_timeout_leaves_an_intact_audit_record()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--timeout", "20s", "--", "/bin/sleep", "300"]);

        Assert.True(result.ExitCode == 124, result.All);
        var audit = AuditRecord(source.Path, result);
        Assert.Equal("TimedOut", audit["outcome"]!.GetValue<string>());
        Assert.True(audit["validation"]!["passed"]!.GetValue<bool>());
        Assert.Equal("/bin/sleep", audit["command"]![0]!.GetValue<string>());
        Assert.NotNull(audit["policySha256"]);
        Assert.NotNull(audit["imageDigest"]);
    }

    [Fact]
    public async Task Four_agents_run_at_the_same_time_with_separate_outputs()
    {
        using var source = new TempFolder();
        var outputs = Enumerable.Range(1, 4).Select(n => Path.Combine(source.Path, $"out-{n}")).ToArray();

        var runs = await Task.WhenAll(Enumerable.Range(1, 4).Select(n => Cli.RunAsync(["run", "-C", source.Path, "--agent", $"agent{n}", "-o", outputs[n - 1], "--",
            "/bin/sh", "-c", $"sleep 2; echo agent{n} > /workspace/output/who.txt; ls /workspace/output > /tmp/seen.txt; mv /tmp/seen.txt /workspace/output/"])));

        for (var n = 1; n <= 4; n++)
        {
            Assert.True(runs[n - 1].ExitCode == 0, runs[n - 1].All);
            Assert.Equal($"agent{n}", File.ReadAllText(Path.Combine(outputs[n - 1], "artifacts", "who.txt")).Trim());
            // Each sandbox saw only its own output folder.
            Assert.Equal("who.txt", File.ReadAllText(Path.Combine(outputs[n - 1], "artifacts", "seen.txt")).Trim());
        }

        var sandboxes = runs.Select(r => SandboxId().Match(r.All).Groups["id"].Value).ToHashSet();
        Assert.Equal(4, sandboxes.Count);
    }

    [Fact]
    public async Task A_warm_sandbox_is_reused_proven_again_and_each_run_publishes_only_its_own_output()
    {
        using var source = new TempFolder();
        try
        {
            var first = await Cli.RunAsync(["run", "-C", source.Path, "--warm", "--", "/bin/sh", "-c", "echo kept > /tmp/state.txt; echo one > /workspace/output/one.txt"]);
            var second = await Cli.RunAsync(["run", "-C", source.Path, "--warm", "--", "/bin/sh", "-c", "cat /tmp/state.txt > /workspace/output/two.txt"]);

            Assert.True(first.ExitCode == 0, first.All);
            Assert.True(second.ExitCode == 0, second.All);
            Assert.Equal(SandboxId().Match(first.All).Groups["id"].Value, SandboxId().Match(second.All).Groups["id"].Value);
            Assert.Contains("Security gate PASSED", second.All, StringComparison.Ordinal);
            var artifacts = Path.Combine(source.Path, "sandbox-output", "artifacts");
            Assert.Equal("kept", File.ReadAllText(Path.Combine(artifacts, "two.txt")).Trim());
            Assert.False(File.Exists(Path.Combine(artifacts, "one.txt")), "the first run's output was published again");
            // Warm runs publish like fresh ones: manifest and provenance for this run's files.
            Assert.Contains("two.txt", File.ReadAllText(Path.Combine(source.Path, "sandbox-output", "provenance.intoto.json")), StringComparison.Ordinal);
        }
        finally
        {
            await Cli.RunAsync(["stop", "-C", source.Path, "--all"]);
        }
    }

    [Fact]
    public async Task Stop_all_ends_every_sandbox_of_the_repository_within_seconds_and_the_audit_survives()
    {
        using var source = new TempFolder();
        await Cli.RunAsync(["start", "-C", source.Path, "--agent", "a"]);
        await Cli.RunAsync(["start", "-C", source.Path, "--agent", "b"]);
        var running = Cli.RunAsync(["run", "-C", source.Path, "--agent", "c", "--", "/bin/sh", "-c", "echo partial > /workspace/output/partial.txt; sleep 300"]);
        // Until the one-shot run's command is running (its log says so).
        var runs = StatePaths.For(source.Path).RunsFolder;
        await WaitForAsync(() => Task.FromResult(Directory.GetFiles(runs, "*.log").Any(f => File.ReadAllText(f).Contains("Running in ", StringComparison.Ordinal))));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var stop = await Cli.RunAsync(["stop", "-C", source.Path, "--all"]);
        var stopped = clock.Elapsed;
        var run = await running;

        Assert.True(stop.ExitCode == 0, stop.All);
        Assert.True(stopped < TimeSpan.FromSeconds(10), $"stop --all took {stopped}");
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
        Assert.NotEqual(0, run.ExitCode);
        Assert.True(File.Exists(Path.Combine(source.Path, "sandbox-output", "artifacts", "partial.txt")), run.All);
        Assert.NotNull(AuditRecord(source.Path, run));
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the condition never held");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"Run (?<id>\d{8}-\d{6}-[0-9a-f]{8})")]
    private static partial Regex RunId();

    [GeneratedRegex(@"[Ss]andbox (?<id>[0-9a-f]{12})")]
    private static partial Regex SandboxId();
}
