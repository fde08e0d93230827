using System.Text.Json.Nodes;

namespace SandboxBuild.IntegrationTests;

/// <summary>`validate`, `demo` and the session commands, as a user runs them.</summary>
public sealed class CliTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task Validate_passes_the_hardened_default_and_writes_json_and_sarif()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["validate", "-C", source.Path, "--json", Path.Combine(source.Path, "gate.json"), "--sarif", Path.Combine(source.Path, "gate.sarif")]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Security gate PASSED", result.StdOut, StringComparison.Ordinal);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(source.Path, "gate.json")))!;
        Assert.True(json["passed"]!.GetValue<bool>());
        Assert.Contains(json["findings"]!.AsArray(), f => f!["code"]!.GetValue<string>() == "SBX2103" && f["source"]!.GetValue<string>() == "probe" && f["status"]!.GetValue<string>() == "pass");
        Assert.Equal("2.1.0", JsonNode.Parse(File.ReadAllText(Path.Combine(source.Path, "gate.sarif")))!["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Validate_fails_a_weak_policy_from_every_angle_with_a_nonzero_exit()
    {
        // The caller's own policy file (outside the source) may loosen the floor; the gate then judges the result.
        using var caller = new TempFolder();
        using var source = new TempFolder();
        var policy = caller.Write("weak.yml", "network: bridge\n");

        var result = await Cli.RunAsync(["validate", "-C", source.Path, "--policy", policy]);

        Assert.Equal(121, result.ExitCode);
        Assert.Matches(@"(?m)^FAIL\s+SBX2001\s+policy", result.StdOut);
        Assert.Matches(@"(?m)^FAIL\s+SBX2001\s+container", result.StdOut);
        Assert.Matches(@"(?m)^FAIL\s+SBX2103\s+probe", result.StdOut);
        Assert.Contains($"{policy}:1: error SBX2001", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_committed_baseline_passes_unchanged_and_fails_on_a_weakened_policy_in_words()
    {
        using var caller = new TempFolder();
        using var source = new TempFolder();
        var baseline = Path.Combine(source.Path, "sandbox.baseline.json");
        var written = await Cli.RunAsync(["validate", "-C", source.Path, "--write-baseline", baseline]);
        Assert.True(written.ExitCode == 0, written.All);

        var unchanged = await Cli.RunAsync(["validate", "-C", source.Path, "--baseline", baseline]);
        var weak = caller.Write("weak.yml", "pids: 0\nenv:\n  allow: [CI]\n");
        var weakened = await Cli.RunAsync(["validate", "-C", source.Path, "--baseline", baseline, "--policy", weak]);
        source.Write("sandbox.yml", "memory: 1g\n");
        var stricter = await Cli.RunAsync(["validate", "-C", source.Path, "--baseline", baseline]);

        Assert.True(unchanged.ExitCode == 0, unchanged.All);
        Assert.Equal(121, weakened.ExitCode);
        Assert.Contains("error SBX2801: pids: 1024 -> 0", weakened.StdErr, StringComparison.Ordinal);
        Assert.Contains("error SBX2801: env.allow: [] -> [CI]", weakened.StdErr, StringComparison.Ordinal);
        Assert.True(stricter.ExitCode == 0, stricter.All);
        Assert.Contains("memory: 4294967296 -> 1073741824 (not a weakening)", stricter.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reads_the_patterns_compose_file_statically_with_file_and_line()
    {
        using var source = new TempFolder();
        var compose = source.Write("docker-compose.ai-sandbox.yml", "services:\n  ai:\n    network_mode: bridge\n    privileged: true\n");

        var result = await Cli.RunAsync(["validate", "-C", source.Path, "--static-only"]);

        Assert.Equal(121, result.ExitCode);
        Assert.Contains($"{compose}:3: error SBX2001", result.StdErr, StringComparison.Ordinal);
        Assert.Contains($"{compose}:4: error SBX2002", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_shows_every_attack_blocked_with_the_kernels_answer()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["demo", "-C", source.Path]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.DoesNotContain("BREACH", result.All, StringComparison.Ordinal);
        Assert.Matches(@"BLOCKED\s+egress: TCP to a listener on this host .*unreachable", result.StdOut);
        Assert.Matches(@"BLOCKED\s+DNS: a query to a resolver on this host .*unreachable", result.StdOut);
        Assert.Matches(@"BLOCKED\s+write the source code\s+.*Read-only file system", result.StdOut);
        Assert.Matches(@"BLOCKED\s+become root with setuid\(0\)\s+errno 1", result.StdOut);
        Assert.Matches(@"BLOCKED\s+read host credentials", result.StdOut);
    }

    [Fact]
    public async Task Start_exec_status_and_stop_work_without_a_terminal()
    {
        using var source = new TempFolder();
        try
        {
            var start = await Cli.RunAsync(["start", "-C", source.Path]);
            var exec = await Cli.RunAsync(["exec", "-C", source.Path, "--", "/bin/sh", "-c", "echo hello-from-inside; id -u"]);
            var status = await Cli.RunAsync(["status", "-C", source.Path]);
            var stop = await Cli.RunAsync(["stop", "-C", source.Path]);
            var after = await Cli.RunAsync(["exec", "-C", source.Path, "--", "/bin/true"]);

            Assert.True(start.ExitCode == 0, start.All);
            Assert.True(exec.ExitCode == 0, exec.All);
            Assert.Contains("hello-from-inside\n1000", exec.StdOut, StringComparison.Ordinal);
            Assert.Contains("session  agent=default", status.StdOut, StringComparison.Ordinal);
            Assert.Contains("running", status.StdOut, StringComparison.Ordinal);
            Assert.Contains("Stopped session sandbox", stop.StdOut, StringComparison.Ordinal);
            Assert.Equal(125, after.ExitCode);
            Assert.Contains("error SBX3007", after.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            await Cli.RunAsync(["stop", "-C", source.Path, "--all"]);
        }

        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }
}
