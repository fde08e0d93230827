using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;

namespace SandboxBuild.PackageTests;

/// <summary>One PackageReference, and `dotnet test` runs sandboxed: tried exactly as a user would.</summary>
public sealed class DotnetTestTests(PackageFixture fixture) : IClassFixture<PackageFixture>
{
    private static void AddTest(string workspace, string project, string className, string body) =>
        File.WriteAllText(Path.Combine(workspace, project, $"{className}.cs"), $$"""
            namespace {{project.Replace('.', '_')}}Extra;

            public class {{className}}
            {
            {{body}}
            }
            """);

    [Fact]
    public async Task Passing_tests_pass_in_the_sandbox_in_release_and_the_trx_comes_back_to_the_results_directory()
    {
        var workspace = fixture.NewWorkspace();
        var results = Path.Combine(workspace, "results");

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "test", "App.Tests", "-c", "Release", "--logger", "trx", "--results-directory", results);

        Assert.True(exitCode == 0, output);
        Assert.Contains("Security gate PASSED", output, StringComparison.Ordinal);
        Assert.Contains("Passed!", output, StringComparison.Ordinal);
        Assert.Contains("-c Release", output, StringComparison.Ordinal);
        var trx = Assert.Single(Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories));
        Assert.Contains("testName=\"App.Tests.CalculatorTests.Adds\"", File.ReadAllText(trx), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace, "App.Tests", "bin", "Release")), "the host built the tests; the sandbox should have");
    }

    [Fact]
    public async Task A_multi_targeted_test_project_builds_nothing_on_the_host_in_vstest_mode()
    {
        var workspace = fixture.NewWorkspace();
        var project = Path.Combine(workspace, "App.Tests", "App.Tests.csproj");
        // TargetFrameworks (plural) makes an outer build, whose SDK VSTest target would build every framework on the host.
        File.WriteAllText(project, File.ReadAllText(project).Replace("<TargetFramework>net10.0</TargetFramework>", "<TargetFrameworks>net10.0</TargetFrameworks>", StringComparison.Ordinal));

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "test", "App.Tests");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Security gate PASSED", output, StringComparison.Ordinal);
        Assert.Contains("Passed!", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(workspace, "App.Tests", "bin")), "the host built the tests; the sandbox should have");
    }

    [Fact]
    public async Task A_failing_test_fails_the_command_with_its_name_in_an_msbuild_error()
    {
        var workspace = fixture.NewWorkspace();
        AddTest(workspace, "App.Tests", "FailingTests", "    [Fact]\n    public void Two_plus_two_is_five() => Assert.Equal(5, App.Calculator.Add(2, 2));");

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "test");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("error SBX3011: Test failed: App_TestsExtra.FailingTests.Two_plus_two_is_five", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_that_connects_to_the_host_fails_sandboxed_and_passes_with_SandboxSkip()
    {
        var workspace = fixture.NewWorkspace();
        var gateway = await DockerBridge.GatewayAddressAsync();
        using var listener = new TcpListener(gateway, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
            }
        });
        AddTest(workspace, "App.Tests", "NetworkTests",
            $"    [Fact]\n    public void Reaches_the_host()\n    {{\n        using var client = new System.Net.Sockets.TcpClient();\n        client.Connect(\"{gateway}\", {((IPEndPoint)listener.LocalEndpoint).Port});\n    }}");

        var sandboxed = await fixture.DotnetAsync(workspace, null, "test");
        var native = await fixture.DotnetAsync(workspace, null, "test", "-p:SandboxSkip=true");

        Assert.NotEqual(0, sandboxed.ExitCode);
        Assert.Contains("Reaches_the_host", sandboxed.Output, StringComparison.Ordinal);
        Assert.Contains("Network is unreachable", sandboxed.Output, StringComparison.Ordinal);
        Assert.True(native.ExitCode == 0, native.Output);
        Assert.DoesNotContain("Security gate", native.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_that_reads_a_host_secret_sees_nothing_in_the_sandbox()
    {
        var workspace = fixture.NewWorkspace();
        AddTest(workspace, "App.Tests", "SecretTests",
            "    [Fact]\n    public void Sees_no_secret() => Assert.Null(System.Environment.GetEnvironmentVariable(\"AWS_SECRET_ACCESS_KEY\"));");
        var secret = new Dictionary<string, string?> { ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYHOSTSECRET" };

        var sandboxed = await fixture.DotnetAsync(workspace, secret, "test");
        var native = await fixture.DotnetAsync(workspace, secret, "test", "-p:SandboxSkip=true");

        Assert.True(sandboxed.ExitCode == 0, sandboxed.Output);
        Assert.NotEqual(0, native.ExitCode); // the same test does see it on the host: it can fail
    }

    [Fact]
    public async Task A_repository_policy_that_loosens_the_floor_stops_the_run_with_its_code()
    {
        var workspace = fixture.NewWorkspace();
        var baseline = Path.Combine(workspace, "sandbox.baseline.json");
        var written = await fixture.DotnetAsync(workspace, null, "msbuild", "App.Tests", "-restore", "-t:SandboxValidate", $"-p:SandboxWriteBaseline={baseline}", "-p:SandboxSourceRoot=" + workspace);
        Assert.True(written.ExitCode == 0, written.Output);
        File.WriteAllText(Path.Combine(workspace, "sandbox.yml"), "memory: 8g\n");

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "test", $"-p:SandboxBaseline={baseline}");

        // The repository asks for more memory than the floor: refused before anything runs (a baseline inside
        // the repository is the repository's, so it cannot raise the floor either).
        Assert.NotEqual(0, exitCode);
        Assert.Contains("error SBX2501", output, StringComparison.Ordinal);
        Assert.Contains("repository memory: saw 8g", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Passed!", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_solution_with_two_test_projects_and_a_filter_runs_both_filtered()
    {
        var workspace = await SolutionOfTwoTestProjectsAsync(
            "    [Fact]\n    public void Fast_one() => Assert.Equal(4, App.Calculator.Add(2, 2));\n\n    [Fact]\n    public void Slow_one() => Assert.Fail(\"filtered out, must not run\");\n");
        AddTest(workspace, "App.Tests", "Filtered", "    [Fact]\n    public void Slow_two() => Assert.Fail(\"filtered out, must not run\");");
        var results = Path.Combine(workspace, "results");

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "test", "App.sln", "--filter", "FullyQualifiedName!~Slow", "--results-directory", results);

        Assert.True(exitCode == 0, output);
        var trx = Directory.GetFiles(results, "*.trx", SearchOption.AllDirectories).Select(File.ReadAllText).ToArray();
        Assert.Equal(2, trx.Length);
        Assert.Contains(trx, t => t.Contains("App.Tests.CalculatorTests.Adds", StringComparison.Ordinal));
        Assert.Contains(trx, t => t.Contains("App.MoreTests.MoreTests.Fast_one", StringComparison.Ordinal));
        Assert.DoesNotContain(trx, t => t.Contains("Slow_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Warm_gives_each_test_project_of_a_solution_a_sandbox_of_its_own_that_the_next_run_reuses()
    {
        var workspace = await SolutionOfTwoTestProjectsAsync("    [Fact]\n    public void Adds() => Assert.Equal(4, App.Calculator.Add(2, 2));\n");
        try
        {
            var first = await fixture.DotnetAsync(workspace, null, "test", "App.sln", "-p:SandboxWarm=true");
            var afterFirst = await SessionsAsync(workspace);
            var again = await fixture.DotnetAsync(workspace, null, "test", "App.sln", "-p:SandboxWarm=true");

            Assert.True(first.ExitCode == 0, first.Output);
            Assert.True(again.ExitCode == 0, again.Output);
            Assert.Equal(["App.MoreTests", "App.Tests"], afterFirst.Select(s => s.Agent).Order(StringComparer.Ordinal));
            Assert.Equal(afterFirst.Order(), (await SessionsAsync(workspace)).Order()); // the same two sandboxes, still running
        }
        finally
        {
            await fixture.CliAsync(workspace, "stop", "-C", workspace, "--all");
        }
    }

    /// <summary>The sample solution with a second test project, App.MoreTests, whose test class has <paramref name="tests"/>.</summary>
    private async Task<string> SolutionOfTwoTestProjectsAsync(string tests)
    {
        var workspace = fixture.NewWorkspace();
        var second = Path.Combine(workspace, "App.MoreTests");
        Directory.CreateDirectory(second);
        File.Copy(Path.Combine(workspace, "App.Tests", "App.Tests.csproj"), Path.Combine(second, "App.MoreTests.csproj"));
        File.WriteAllText(Path.Combine(second, "MoreTests.cs"), $"namespace App.MoreTests;\n\npublic class MoreTests\n{{\n{tests}}}\n");
        var added = await fixture.DotnetAsync(workspace, null, "sln", "add", "App.MoreTests/App.MoreTests.csproj");
        Assert.True(added.ExitCode == 0, added.Output);
        return workspace;
    }

    /// <summary>The repository's running warm sandboxes: (agent, container ID), from the engine's labels.</summary>
    private static async Task<IReadOnlyList<(string Agent, string Id)>> SessionsAsync(string workspace)
    {
        var start = new System.Diagnostics.ProcessStartInfo("docker", ["ps", "--filter", "label=dev.sandboxbuild.kind=session",
            "--filter", $"label=dev.sandboxbuild.repo-path={workspace}", "--format", "{{.Label \"dev.sandboxbuild.agent\"}} {{.ID}}"])
        {
            RedirectStandardOutput = true,
        };
        using var docker = System.Diagnostics.Process.Start(start)!;
        var output = await docker.StandardOutput.ReadToEndAsync();
        await docker.WaitForExitAsync();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).Select(p => (p[0], p[1])).ToArray();
    }

    [Fact]
    public void The_package_holds_exactly_these_files_and_depends_on_nothing()
    {
        using var zip = ZipFile.OpenRead(fixture.Prepared.Package);
        var files = zip.Entries.Select(e => e.FullName)
            .Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml")
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(
        [
            "README.md",
            "SandboxBuild.nuspec",
            "build/SandboxBuild.TestGuard.cs",
            "build/SandboxBuild.TestPlatform.targets",
            "build/SandboxBuild.VSTest.targets",
            "build/SandboxBuild.VSTestOverride.targets",
            "build/SandboxBuild.props",
            "build/SandboxBuild.targets",
            "buildMultiTargeting/SandboxBuild.CrossTargeting.targets",
            "buildMultiTargeting/SandboxBuild.props",
            "buildMultiTargeting/SandboxBuild.targets",
            "tasks/net10.0/SandboxBuild.Tasks.dll",
            "tools/sandboxbuild/Docker.DotNet.Handler.Abstractions.dll",
            "tools/sandboxbuild/Docker.DotNet.LegacyHttp.dll",
            "tools/sandboxbuild/Docker.DotNet.NPipe.dll",
            "tools/sandboxbuild/Docker.DotNet.NativeHttp.dll",
            "tools/sandboxbuild/Docker.DotNet.Unix.dll",
            "tools/sandboxbuild/Docker.DotNet.dll",
            "tools/sandboxbuild/Microsoft.Extensions.DependencyInjection.Abstractions.dll",
            "tools/sandboxbuild/Microsoft.Extensions.FileSystemGlobbing.dll",
            "tools/sandboxbuild/Microsoft.Extensions.Logging.Abstractions.dll",
            "tools/sandboxbuild/Microsoft.Net.Http.Client.dll",
            "tools/sandboxbuild/SandboxBuild.Core.dll",
            "tools/sandboxbuild/System.CommandLine.dll",
            "tools/sandboxbuild/YamlDotNet.dll",
            "tools/sandboxbuild/probe/sandboxbuild-probe.dll",
            "tools/sandboxbuild/probe/sandboxbuild-probe.runtimeconfig.json",
            "tools/sandboxbuild/sandboxbuild.deps.json",
            "tools/sandboxbuild/sandboxbuild.dll",
            "tools/sandboxbuild/sandboxbuild.runtimeconfig.json",
        ], files);

        using var nuspec = zip.GetEntry("SandboxBuild.nuspec")!.Open();
        var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("true", metadata.Elements().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
    }
}

internal static class DockerBridge
{
    /// <summary>The address the product's own probe listens on: the engine bridge's host interface.</summary>
    public static async Task<IPAddress> GatewayAddressAsync()
    {
        using var engine = await SandboxBuild.Engine.EngineConnection.ConnectAsync(new SandboxBuild.Diagnostics.ConsoleLog(TextWriter.Null, TextWriter.Null), CancellationToken.None);
        return await SandboxBuild.Engine.BridgeAddress.ResolveAsync(engine, CancellationToken.None);
    }
}
