using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SandboxBuild.PackageTests;

/// <summary>
/// `dotnet test` in Microsoft.Testing.Platform mode (global.json) with the package: xunit.v3, MSTest and NUnit
/// modules build and run in the sandbox, their results come back to the SDK's own summary, nothing is built on
/// the host. Every workspace also sets SANDBOXBUILD_INSIDE=1 in its Directory.Build.props, which changes nothing.
/// </summary>
public sealed class MtpTests(PackageFixture fixture) : IClassFixture<PackageFixture>
{
    private static void Write(string workspace, string relative, string content) => File.WriteAllText(Path.Combine(workspace, relative), content);

    private static int Summary(string output, string name) =>
        int.Parse(Regex.Match(output, $@"^\s*{name}: (\d+)", RegexOptions.Multiline).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static void AssertNothingBuiltOnTheHost(string workspace, params string[] projects)
    {
        foreach (var project in projects)
        {
            Assert.False(Directory.Exists(Path.Combine(workspace, project, "bin")), $"{project}: the host built the module; the sandbox should have");
            Assert.True(File.Exists(Path.Combine(workspace, project, "obj", "sandbox", "net10.0", "manifest.json")), $"{project}: no sandbox run published its output");
        }
    }

    [Fact]
    public async Task A_solution_of_xunit_v3_mstest_and_nunit_modules_runs_every_module_in_the_sandbox()
    {
        var workspace = fixture.NewMtpWorkspace();

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "test", "--solution", "Mtp.sln", "--max-parallel-test-modules", "2");

        Assert.True(exitCode == 0, output);
        Assert.Equal(3, Summary(output, "total"));
        Assert.Equal(3, Summary(output, "succeeded"));
        AssertNothingBuiltOnTheHost(workspace, "X3", "MS", "NU");
    }

    [Fact]
    public async Task A_failing_test_fails_the_command_with_its_name_exit_code_2_and_the_sandbox_log()
    {
        var workspace = fixture.NewMtpWorkspace();
        Write(workspace, "X3/FailingTests.cs", "using Xunit;\n\nnamespace X3;\n\npublic class FailingTests\n{\n    [Fact]\n    public void Two_plus_two_is_five() => Assert.Equal(5, 2 + 2);\n}\n");
        // The repository's launch profile reaches the module's launch: it must not redirect SandboxBuild's own CLI.
        Directory.CreateDirectory(Path.Combine(workspace, "X3", "Properties"));
        Write(workspace, "X3/Properties/launchSettings.json",
            "{ \"profiles\": { \"X3\": { \"commandName\": \"Project\", \"environmentVariables\": { \"DOCKER_HOST\": \"tcp://127.0.0.1:9\", \"DOTNET_STARTUP_HOOKS\": \"/tmp/hook.dll\" } } } }");

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "test", "--project", "X3");

        Assert.Equal(2, exitCode);
        Assert.Contains("failed X3.FailingTests.Two_plus_two_is_five", output, StringComparison.Ordinal);
        Assert.Contains("Security gate PASSED", output, StringComparison.Ordinal); // the sandbox's log, shown for a failing module
        Assert.Contains(Path.Combine(workspace, "X3", "FailingTests.cs"), output, StringComparison.Ordinal); // the staged path shown as the host file
        Assert.Equal(1, Summary(output, "failed"));
        Assert.Matches("warning SBX4107: The test module's launch set [^\n]*DOCKER_HOST", output);
        AssertNothingBuiltOnTheHost(workspace, "X3");
    }

    [Fact]
    public async Task A_test_that_connects_to_the_host_fails_sandboxed_and_passes_with_an_explicit_skip_that_is_said()
    {
        var workspace = fixture.NewMtpWorkspace();
        using var listener = new TcpListener(await DockerBridge.GatewayAddressAsync(), 0);
        listener.Start();
        var endpoint = (IPEndPoint)listener.LocalEndpoint;
        Write(workspace, "NU/NetworkTests.cs",
            $"namespace NU;\n\npublic class NetworkTests\n{{\n    [Test]\n    public void Reaches_the_host()\n    {{\n        using var client = new System.Net.Sockets.TcpClient();\n        client.Connect(\"{endpoint.Address}\", {endpoint.Port});\n    }}\n}}\n");

        var sandboxed = await fixture.DotnetAsync(workspace, null, "test", "--project", "NU");
        var native = await fixture.DotnetAsync(workspace, null, "test", "--project", "NU", "-p:SandboxSkip=true");

        Assert.Equal(2, sandboxed.ExitCode);
        Assert.Contains("Reaches_the_host", sandboxed.Output, StringComparison.Ordinal);
        Assert.Contains("Network is unreachable", sandboxed.Output, StringComparison.Ordinal);
        Assert.True(native.ExitCode == 0, native.Output);
        Assert.Contains("warning SBX4102", native.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mtp_options_pass_through_and_the_trx_comes_back_through_the_collector()
    {
        var workspace = fixture.NewMtpWorkspace();
        Write(workspace, "MS/MoreTests.cs", "namespace MS;\n\n[TestClass]\npublic sealed class MoreTests\n{\n    [TestMethod]\n    public void Fast_one() { }\n\n    [TestMethod]\n    public void Slow_one() => Assert.Fail(\"filtered out, must not run\");\n}\n");
        var results = Path.Combine(workspace, "results");

        var filtered = await fixture.DotnetAsync(workspace, null, "test", "--project", "MS", "--filter", "Name!=Slow_one", "--report-trx", "--results-directory", results);
        var manifest = File.ReadAllLines(Path.Combine(workspace, "MS", "obj", "sandbox", "net10.0", "manifest.json"));
        var tooFew = await fixture.DotnetAsync(workspace, null, "test", "--project", "MS", "--filter", "Name!=Slow_one", "--minimum-expected-tests", "10");
        var none = await fixture.DotnetAsync(workspace, null, "test", "--project", "MS", "--filter", "Name=Nothing");

        Assert.True(filtered.ExitCode == 0, filtered.Output);
        Assert.Equal(2, Summary(filtered.Output, "total"));
        var trx = Assert.Single(Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories));
        Assert.Contains("Fast_one", File.ReadAllText(trx), StringComparison.Ordinal);
        Assert.DoesNotContain("Slow_one", File.ReadAllText(trx), StringComparison.Ordinal);
        Assert.Contains(manifest, l => l.Contains(".trx", StringComparison.Ordinal));
        Assert.Equal(9, tooFew.ExitCode);
        Assert.Equal(8, none.ExitCode);
        AssertNothingBuiltOnTheHost(workspace, "MS");
    }

    [Fact]
    public async Task The_runner_mode_changes_nothing_for_the_cli_which_never_adds_an_option_mtp_rejects()
    {
        var workspace = fixture.NewMtpWorkspace();

        var (exitCode, output) = await fixture.CliAsync(workspace, "run", "--", "dotnet", "test", "--project", "MS", "--report-trx");

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("--logger", output, StringComparison.Ordinal);
        Assert.Contains("--results-directory /workspace/output/TestResults", output, StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(workspace, "sandbox-output", "artifacts"), "*.trx", SearchOption.AllDirectories));
    }
}
