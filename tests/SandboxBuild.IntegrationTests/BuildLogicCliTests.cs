using System.Text.Json.Nodes;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// `validate --build-logic` through the real CLI, as the first step of a CI job: record, then judge a pull
/// request's tree. It needs no engine: the gate evaluates nothing and starts nothing.
/// </summary>
public sealed class BuildLogicCliTests
{
    [Fact]
    public async Task The_gate_passes_an_unchanged_tree_and_a_code_change_and_fails_a_hostile_target_naming_the_file()
    {
        using var repository = new TempFolder();
        using var trusted = new TempFolder("sandboxbuild-record-");
        repository.Write("global.json", "{ \"sdk\": { \"version\": \"10.0.100\", \"rollForward\": \"latestFeature\" } }");
        repository.Write("Directory.Build.props", "<Project><PropertyGroup><Nullable>enable</Nullable></PropertyGroup></Project>");
        repository.Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");
        repository.Write("src/App/Program.cs", "System.Console.WriteLine(1);");
        var record = Path.Combine(trusted.Path, "build-logic.json");

        var recorded = await Cli.RunAsync(["validate", "--build-logic", "-C", repository.Path, "--write-baseline", record]);
        var unchanged = await Cli.RunAsync(["validate", "--build-logic", "-C", repository.Path, "--baseline", record]);
        repository.Write("src/App/Program.cs", "System.Console.WriteLine(2);");
        var codeChange = await Cli.RunAsync(["validate", "--build-logic", "-C", repository.Path, "--baseline", record]);
        var targets = repository.Write("Directory.Build.targets",
            "<Project><Target Name=\"Steal\" BeforeTargets=\"Restore\"><Exec Command=\"env > /tmp/stolen\" /></Target></Project>");
        var sarif = Path.Combine(trusted.Path, "gate.sarif");
        var json = Path.Combine(trusted.Path, "gate.json");
        var hostile = await Cli.RunAsync(["validate", "--build-logic", "-C", repository.Path, "--baseline", record, "--sarif", sarif, "--json", json]);

        Assert.True(recorded.ExitCode == 0, recorded.All);
        Assert.Contains("\"src/App/App.csproj\":", File.ReadAllText(record), StringComparison.Ordinal);
        Assert.True(unchanged.ExitCode == 0, unchanged.All);
        Assert.Contains("Build-logic gate PASSED", unchanged.StdOut, StringComparison.Ordinal);
        Assert.True(codeChange.ExitCode == 0, codeChange.All);
        Assert.Equal(121, hostile.ExitCode);
        Assert.Contains($"{targets}: error SBX2402", hostile.StdErr, StringComparison.Ordinal);
        Assert.Contains("Build-logic gate FAILED", hostile.StdOut, StringComparison.Ordinal);
        var results = JsonNode.Parse(File.ReadAllText(sarif))!["runs"]![0]!["results"]!.AsArray();
        var result = Assert.Single(results, r => r!["level"]!.GetValue<string>() == "error");
        Assert.Contains(results, r => r!["ruleId"]!.GetValue<string>() == "SBX2411" && r["level"]!.GetValue<string>() == "warning");
        Assert.Equal("SBX2402", result!["ruleId"]!.GetValue<string>());
        Assert.Equal("Directory.Build.targets", result["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]!.GetValue<string>());
        Assert.False(JsonNode.Parse(File.ReadAllText(json))!["passed"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_action_runs_the_gate_first_and_stops_before_restore_and_engine_on_changed_build_logic()
    {
        using var workspace = new TempFolder();
        using var runner = new TempFolder("sandboxbuild-runner-");
        workspace.Write("App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        var record = Path.Combine(workspace.Path, ".approved/build-logic.json");
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        var recorded = await Cli.RunAsync(["validate", "--build-logic", "-C", workspace.Path, "--write-baseline", record]);
        workspace.Write("App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><Target Name=\"Steal\" BeforeTargets=\"Restore\" /></Project>");
        var outputs = Path.Combine(runner.Path, "output");
        var summary = Path.Combine(runner.Path, "summary");

        var result = await Cli.RunAsync(["action"], new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_WORKSPACE"] = workspace.Path,
            ["GITHUB_OUTPUT"] = outputs,
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["INPUT_BUILD-LOGIC-BASELINE"] = ".approved/build-logic.json",
            // An engine that does not exist: the gate must decide before anything talks to one.
            ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock",
        });

        Assert.True(recorded.ExitCode == 0, recorded.All);
        Assert.Equal(121, result.ExitCode);
        Assert.Contains("::error file=App/App.csproj", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("SBX1001", result.All, StringComparison.Ordinal);
        Assert.Matches("gate-result<<ghadelimiter_[0-9a-f]+\nfailed\n", File.ReadAllText(outputs));
        Assert.Contains("SBX2401", File.ReadAllText(summary), StringComparison.Ordinal);
        var sarif = JsonNode.Parse(File.ReadAllText(Path.Combine(workspace.Path, "sandbox.sarif")))!;
        Assert.Contains(sarif["runs"]![0]!["results"]!.AsArray(), r => r!["ruleId"]!.GetValue<string>() == "SBX2401");
    }

    [Fact]
    public async Task The_gate_without_a_record_is_a_usage_error_and_with_an_unreadable_one_fails_closed()
    {
        using var repository = new TempFolder();
        repository.Write("App.csproj", "<Project />");

        var noRecord = await Cli.RunAsync(["validate", "--build-logic", "-C", repository.Path]);
        var missingRecord = await Cli.RunAsync(["validate", "--build-logic", "-C", repository.Path, "--baseline", Path.Combine(repository.Path, "nope.json")]);

        Assert.Equal(2, noRecord.ExitCode);
        Assert.Contains("error SBX4001", noRecord.StdErr, StringComparison.Ordinal);
        Assert.NotEqual(0, missingRecord.ExitCode);
        Assert.Contains("error SBX2410", missingRecord.StdErr, StringComparison.Ordinal);
    }
}
