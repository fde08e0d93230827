using System.Diagnostics;
using System.Text.RegularExpressions;
using SandboxBuild.Runs;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Runs that are interrupted from outside: the CLI killed outright, Ctrl-C, and command lines that do not
/// parse. Each ends with a code and keeps its evidence; a sandbox never outlives its deadline.
/// </summary>
public sealed partial class InterruptionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task A_sandbox_whose_cli_was_killed_ends_itself_at_its_deadline_and_its_output_is_still_collectable()
    {
        using var source = new TempFolder();
        using var collected = new TempFolder();
        var timeout = TimeSpan.FromSeconds(20);
        using var cli = Start(["run", "-C", source.Path, "--timeout", "20s", "--", "/bin/sh", "-c", "echo partial > /workspace/output/partial.txt; sleep 600"]);
        var runId = await WaitForLineAsync(cli, RunningLine(), TimeSpan.FromMinutes(3));
        // The command has written its file (in the run's private output folder) before the CLI dies.
        var written = Path.Combine(OutputMount.PathFor(StatePaths.For(source.Path), runId), "partial.txt");
        for (var waited = Stopwatch.StartNew(); !File.Exists(written); await Task.Delay(200))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), "the command never wrote its file");
        }

        var killedAt = Stopwatch.StartNew();

        cli.Kill(entireProcessTree: true);
        await cli.WaitForExitAsync();

        // Nobody is left to kill the sandbox: its own main process ends it, about a grace period after the deadline.
        while (await RunningCountAsync(source.Path) > 0)
        {
            Assert.True(killedAt.Elapsed < timeout + FreshLease.SelfEndGrace + TimeSpan.FromSeconds(30), "the orphaned sandbox outlived its deadline");
            await Task.Delay(1000);
        }

        var next = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/true"]);
        Assert.True(next.ExitCode == 0, next.All);
        var abandoned = AuditLog.Read(StatePaths.For(source.Path).AuditLog).Single(r => r["event"]?.GetValue<string>() == "abandoned");
        Assert.Equal(runId, abandoned["runId"]!.GetValue<string>());

        var collect = await Cli.RunAsync(["collect", "-C", source.Path, "--run", runId, "--to", Path.Combine(collected.Path, "out")]);
        Assert.True(collect.ExitCode == 0, collect.All);
        Assert.Equal("partial\n", File.ReadAllText(Path.Combine(collected.Path, "out", "artifacts", "partial.txt")));
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task Ctrl_c_kills_the_sandbox_collects_what_it_wrote_and_exits_with_a_code()
    {
        using var source = new TempFolder();
        using var cli = Start(["run", "-C", source.Path, "--verbose", "--", "/bin/sh", "-c", "echo partial > /workspace/output/partial.txt; echo written; sleep 600"]);
        var runId = await WaitForLineAsync(cli, RunningLine(), TimeSpan.FromMinutes(3));
        await WaitForLineAsync(cli, Written(), TimeSpan.FromMinutes(1));

        using (var interrupt = Process.Start("kill", ["-INT", cli.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(); // SIGINT, as a terminal's Ctrl-C sends it
        }

        var stderr = cli.StandardError.ReadToEndAsync();
        var stdout = cli.StandardOutput.ReadToEndAsync();
        if (await Task.WhenAny(cli.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(1))) is var ended && !cli.HasExited)
        {
            cli.Kill(entireProcessTree: true);
            Assert.Fail($"the CLI did not end within a minute of Ctrl-C:\n{await stdout}\n{await stderr}");
        }

        await ended;

        Assert.Equal(ExitCodes.Cancelled, cli.ExitCode);
        Assert.Contains("error SBX3009", await stderr, StringComparison.Ordinal);
        Assert.Equal("partial\n", File.ReadAllText(Path.Combine(source.Path, "sandbox-output", "artifacts", "partial.txt")));
        var audit = AuditLog.Read(StatePaths.For(source.Path).AuditLog).Single(r => r["runId"]?.GetValue<string>() == runId);
        Assert.Equal("Cancelled", audit["outcome"]!.GetValue<string>());
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task A_command_line_that_does_not_parse_is_a_coded_usage_error()
    {
        var result = await Cli.RunAsync(["validate", "--no-such-option"]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("error SBX4001", result.All, StringComparison.Ordinal);
        Assert.Contains("--no-such-option", result.All, StringComparison.Ordinal);
    }

    private static Process Start(IEnumerable<string> arguments)
    {
        // As from a terminal: a suite started in the background (`cmd &`, as CI may) hands its children SIGINT
        // ignored, and a process that starts with SIGINT ignored rightly never sees a Ctrl-C. env resets it and
        // then becomes dotnet (same pid).
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(EngineFixture.Cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SANDBOXBUILD_PULL"] = "never";
        start.Environment.Remove("GITHUB_ACTIONS");
        return Process.Start(start)!;
    }

    /// <summary>Reads standard output until a line matches; returns its `id` group.</summary>
    private static async Task<string> WaitForLineAsync(Process process, Regex pattern, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (pattern.Match(line) is { Success: true } match)
            {
                return match.Groups["id"].Value;
            }
        }

        throw new InvalidOperationException("The CLI ended before its command started.");
    }

    private async Task<int> RunningCountAsync(string source) =>
        (await SandboxBuild.Engine.Janitor.ListAsync(fixture.Engine, [$"{SandboxBuild.Engine.SandboxLabels.Repo}={SandboxBuild.Engine.SandboxLabels.RepoId(source)}"], CancellationToken.None))
            .Count(s => s.State == "running");

    [GeneratedRegex("^(?<id>written)$")]
    private static partial Regex Written();

    /// <summary>The line a run prints just before its command starts.</summary>
    [GeneratedRegex(@"Running in .* \(run (?<id>\d{8}-\d{6}-[0-9a-f]{8})\): ")]
    private static partial Regex RunningLine();
}
