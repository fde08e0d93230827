namespace SandboxBuild.PackageTests;

/// <summary>
/// Every way a test run could happen outside the sandbox while the package is referenced: an error or a coded
/// warning, never a silent native run; SANDBOXBUILD_REQUIRE=1 turns each into an error.
/// </summary>
public sealed class BypassTests(PackageFixture fixture) : IClassFixture<PackageFixture>
{
    private static readonly Dictionary<string, string?> Require = new() { ["SANDBOXBUILD_REQUIRE"] = "1" };

    private static void SkipInRepository(string workspace) =>
        File.WriteAllText(Path.Combine(workspace, "Directory.Build.props"),
            "<Project>\n  <PropertyGroup>\n    <SandboxSkip>true</SandboxSkip>\n    <SANDBOXBUILD_INSIDE>1</SANDBOXBUILD_INSIDE>\n  </PropertyGroup>\n</Project>\n");

    [Fact]
    public async Task A_skip_in_the_repositorys_own_files_is_a_loud_warning_in_vstest_mode_and_an_error_under_require()
    {
        var workspace = fixture.NewWorkspace();
        SkipInRepository(workspace);

        var warned = await fixture.DotnetAsync(workspace, null, "test", "App.Tests");
        var refused = await fixture.DotnetAsync(workspace, Require, "test", "App.Tests");

        Assert.True(warned.ExitCode == 0, warned.Output);
        Assert.Contains("warning SBX4103", warned.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("error SBX4104", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Passed!", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_skip_in_the_repositorys_own_files_is_a_loud_warning_in_mtp_mode_and_an_error_under_require()
    {
        var workspace = fixture.NewMtpWorkspace();
        SkipInRepository(workspace);

        var warned = await fixture.DotnetAsync(workspace, null, "test", "--project", "MS", "-v", "n");
        var refused = await fixture.DotnetAsync(workspace, Require, "test", "--project", "MS");

        Assert.True(warned.ExitCode == 0, warned.Output);
        Assert.Contains("SBX4103", warned.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("SBX4104", refused.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("succeeded: 1", refused.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explicit_skip_on_the_command_line_is_said_and_forbidden_under_require()
    {
        var workspace = fixture.NewWorkspace();

        var warned = await fixture.DotnetAsync(workspace, null, "test", "App.Tests", "-p:SandboxSkip=true");
        var refused = await fixture.DotnetAsync(workspace, Require, "test", "App.Tests", "-p:SandboxSkip=true");

        Assert.True(warned.ExitCode == 0, warned.Output);
        Assert.Contains("warning SBX4102", warned.Output, StringComparison.Ordinal);
        Assert.Contains("error SBX4104", refused.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
    }

    [Fact]
    public async Task Dotnet_vstest_of_a_host_built_test_assembly_refuses_unless_skipped_on_purpose()
    {
        var workspace = fixture.NewWorkspace();
        var built = await fixture.DotnetAsync(workspace, null, "build", "App.Tests");
        Assert.True(built.ExitCode == 0, built.Output);
        var assembly = Path.Combine(workspace, "App.Tests", "bin", "Debug", "net10.0", "App.Tests.dll");

        var refused = await fixture.DotnetAsync(workspace, null, "vstest", assembly);
        var skipped = await fixture.DotnetAsync(workspace, new Dictionary<string, string?> { ["SANDBOXBUILD_SKIP"] = "1" }, "vstest", assembly);
        var required = await fixture.DotnetAsync(workspace, new Dictionary<string, string?> { ["SANDBOXBUILD_SKIP"] = "1", ["SANDBOXBUILD_REQUIRE"] = "1" }, "vstest", assembly);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("SBX4101", refused.Output, StringComparison.Ordinal);
        Assert.True(skipped.ExitCode == 0, skipped.Output);
        Assert.NotEqual(0, required.ExitCode);
        Assert.Contains("SBX4104", required.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dotnet_run_of_an_mtp_test_project_and_its_module_started_directly_refuse()
    {
        var workspace = fixture.NewMtpWorkspace();

        var run = await fixture.DotnetAsync(workspace, null, "run", "--project", "X3");
        var direct = await fixture.DotnetAsync(workspace, null, "test", "--test-modules", "X3/bin/Debug/net10.0/X3.dll");
        var skipped = await fixture.DotnetAsync(workspace, new Dictionary<string, string?> { ["SANDBOXBUILD_SKIP"] = "1" }, "test", "--test-modules", "X3/bin/Debug/net10.0/X3.dll");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("SBX4101", run.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, direct.ExitCode);
        Assert.Contains("SBX4101", direct.Output, StringComparison.Ordinal);
        Assert.True(skipped.ExitCode == 0, skipped.Output);
    }

    [Fact]
    public async Task The_mtp_test_target_and_the_vstest_bridge_refuse_before_building_on_the_host()
    {
        var workspace = fixture.NewMtpWorkspace();
        File.Delete(Path.Combine(workspace, "global.json")); // VSTest mode: the bridge takes over the VSTest target
        // MSTest 3 (Microsoft.Testing.Platform 1.x), whose VSTest bridge builds and runs natively (MTP 2 refuses it by itself).
        var project = Path.Combine(workspace, "MS", "MS.csproj");
        File.WriteAllText(project, File.ReadAllText(project).Replace("\"MSTest\" Version=\"4.0.2\"", "\"MSTest\" Version=\"3.11.1\"", StringComparison.Ordinal));

        var target = await fixture.DotnetAsync(workspace, null, "build", "MS", "-t:Test");
        var bridge = await fixture.DotnetAsync(workspace, null, "test", "MS", "-p:TestingPlatformDotnetTestSupport=true");

        Assert.NotEqual(0, target.ExitCode);
        Assert.Contains("SBX4105", target.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, bridge.ExitCode);
        Assert.Contains("error SBX4105", bridge.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(workspace, "MS", "bin", "Debug", "net10.0", "MS.dll")), target.Output + bridge.Output);
    }

    [Fact]
    public async Task Repository_set_limits_become_tighten_only_requests_and_other_settings_are_ignored_with_a_warning()
    {
        var workspace = fixture.NewWorkspace();
        File.WriteAllText(Path.Combine(workspace, "Directory.Build.props"),
            "<Project>\n  <PropertyGroup>\n    <SandboxMemory>2g</SandboxMemory>\n    <SandboxSourceRoot>/</SandboxSourceRoot>\n    <SandboxEnvAllow>AWS_SECRET_ACCESS_KEY</SandboxEnvAllow>\n  </PropertyGroup>\n</Project>\n");

        var (exitCode, output) = await fixture.DotnetAsync(workspace, null, "msbuild", "App.Tests", "-restore", "-t:_SandboxSettings", "-v:diag", "-p:SandboxTimeout=20m");

        Assert.True(exitCode == 0, output);
        Assert.Contains("warning SBX4107: SandboxSourceRoot=/", output, StringComparison.Ordinal);
        Assert.Contains("warning SBX4107: SandboxEnvAllow=AWS_SECRET_ACCESS_KEY", output, StringComparison.Ordinal);
        Assert.Contains("--repository-setting", output, StringComparison.Ordinal);
        Assert.Contains("memory=2g", output, StringComparison.Ordinal);
        Assert.Contains("SandboxTimeout=20m (command line or environment)", output, StringComparison.Ordinal);
    }
}
