using System.Net;
using System.Net.Sockets;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>
/// The restore stage through the real CLI: the README's first command (the sample, its packages restored
/// through the proxy from the real feed, which only this host can reach), and a hostile repository whose
/// restore-time code runs in the restore sandbox and whose tests then pass in the build sandbox.
/// </summary>
public sealed class RestoreCliTests(EngineFixture engine, EgressFixture world) : IClassFixture<EngineFixture>, IClassFixture<EgressFixture>
{
    [Fact]
    public async Task The_sample_restores_through_the_proxy_from_the_real_feed_and_a_second_run_reuses_it()
    {
        using var sample = TempFolder.SampleCopy();
        using var state = TempFolder.State();
        var environment = new Dictionary<string, string?> { ["SANDBOXBUILD_STATE_DIR"] = state.Path };

        var first = await Cli.RunAsync(["run", "-C", sample.Path], environment, timeLimit: TimeSpan.FromMinutes(15));
        var second = await Cli.RunAsync(["run", "-C", sample.Path], environment, timeLimit: TimeSpan.FromMinutes(15));

        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("Restoring in the sandbox through the egress proxy", first.All, StringComparison.Ordinal);
        Assert.Contains("Passed!", first.All, StringComparison.Ordinal);
        Assert.DoesNotContain("SBX3201", first.All, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("Restore inputs unchanged: reusing the previous restore (no restore sandbox; ", second.All, StringComparison.Ordinal);
        Assert.DoesNotContain("Restore sandbox", second.All, StringComparison.Ordinal);
        Assert.Contains("Passed!", second.All, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(sample.Path, "obj", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_hostile_repository_leaks_nothing_reaches_nothing_and_its_tests_pass_with_the_restored_packages()
    {
        var bridge = await HostSide.BridgeAddressAsync(engine.Engine);
        using var listeners = new CountingListeners(bridge);
        using var stray = new TempFolder("sandboxbuild-stray-host-folder-");
        using var repository = HostileRepository.Create(bridge, listeners.TcpPort, listeners.UdpPort, world.Refused.TcpPort, stray.Path);
        AddTests(repository, stray.Path);
        using var state = TempFolder.State();
        using var publish = new TempFolder("sandboxbuild-publish-");
        var before = HostSide.Snapshot(repository.Path);

        var run = await Cli.RunAsync(["run", "-C", repository.Path, "-o", publish.Path], new Dictionary<string, string?>
        {
            ["SANDBOXBUILD_STATE_DIR"] = state.Path,
            ["AWS_SECRET_ACCESS_KEY"] = HostileRepository.Secret,
            ["GITHUB_TOKEN"] = HostileRepository.Token,
            ["ACTIONS_RUNTIME_TOKEN"] = HostileRepository.Token + "-runtime",
        }, timeLimit: TimeSpan.FromMinutes(15));

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("Passed!", run.All, StringComparison.Ordinal);
        Assert.Contains($"SBX3201: restore tried to reach evil.test:{world.Refused.TcpPort}: refused", run.All, StringComparison.Ordinal);
        var evidence = HostileRepository.Evidence(HostSide.RestoredPackages(state.Path));
        Assert.Equal(("[]", "[]", "[]", "absent", "0"), (evidence["key"], evidence["token"], evidence["file"], evidence["docker-socket"], evidence["env-secrets"]));
        Assert.Equal(("failed", "failed", "refused"), (evidence["direct-tcp"], evidence["udp"], evidence["write-source"]));
        Assert.StartsWith("HTTP/1.1_403", evidence["via-proxy"], StringComparison.Ordinal);
        Assert.Equal((0, 0), (listeners.TcpConnections, listeners.Datagrams));
        Assert.Equal(before, HostSide.Snapshot(repository.Path));
        Assert.Empty(Directory.GetFileSystemEntries(stray.Path));
        foreach (var secret in new[] { HostileRepository.Secret, HostileRepository.Token })
        {
            Assert.DoesNotContain(secret, run.All, StringComparison.Ordinal);
            Assert.DoesNotContain(Directory.EnumerateFiles(publish.Path, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(Directory.EnumerateFiles(state.Path, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".log", StringComparison.Ordinal) || f.EndsWith(".jsonl", StringComparison.Ordinal)),
                f => File.ReadAllText(f).Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_warm_sandbox_builds_with_the_restored_packages_and_a_changed_project_gets_a_new_restore_and_sandbox()
    {
        using var repository = HostileRepository.Library("sandboxbuild-warm-restore-");
        using var state = TempFolder.State();
        var environment = world.CliEnvironment(state.Path);
        string[] build = ["run", "-C", repository.Path, "--warm", "--", "dotnet", "build", "Lib/Lib.csproj"];
        try
        {
            var first = await Cli.RunAsync(build, environment, timeLimit: TimeSpan.FromMinutes(15));
            var second = await Cli.RunAsync(build, environment, timeLimit: TimeSpan.FromMinutes(15));
            repository.Write("Lib/Lib.csproj", File.ReadAllText(Path.Combine(repository.Path, "Lib", "Lib.csproj")).Replace("</TargetFramework>", "</TargetFramework><Description>changed</Description>", StringComparison.Ordinal));
            var third = await Cli.RunAsync(build, environment, timeLimit: TimeSpan.FromMinutes(15));

            Assert.True(first.ExitCode == 0, first.All);
            Assert.Contains("Build succeeded", first.All, StringComparison.Ordinal);
            Assert.True(second.ExitCode == 0, second.All);
            Assert.Contains("Restore inputs unchanged", second.All, StringComparison.Ordinal);
            Assert.DoesNotContain("starting a new one", second.All, StringComparison.Ordinal);
            Assert.True(third.ExitCode == 0, third.All);
            Assert.Contains("Restore sandbox", third.All, StringComparison.Ordinal);
            Assert.Contains("differs from sandbox 'default''s: starting a new one", third.All, StringComparison.Ordinal);
            Assert.Contains("Build succeeded", third.All, StringComparison.Ordinal);
        }
        finally
        {
            await Cli.RunAsync(["stop", "-C", repository.Path, "--all"], environment);
        }
    }

    [Fact]
    public async Task Files_restore_time_code_plants_in_the_results_folder_are_not_laid_over_the_source()
    {
        using var repository = HostileRepository.Library("sandboxbuild-poison-");
        // In the restore sandbox only: plant a source file and build logic in the (writable) results folder.
        repository.Write("Directory.Build.targets", """
            <Project>
              <Target Name="Poison" BeforeTargets="Restore;_GenerateRestoreGraph" Condition="Exists('/sandbox/restore/config')">
                <WriteLinesToFile File="/sandbox/restore/results/Lib/Json.cs" Lines="#error POISONED_SOURCE" Overwrite="true" />
                <WriteLinesToFile File="/sandbox/restore/results/Directory.Build.props" Lines="&lt;Project&gt;&lt;Target Name=&quot;P&quot; BeforeTargets=&quot;Build&quot;&gt;&lt;Error Text=&quot;POISONED_PROPS&quot; /&gt;&lt;/Target&gt;&lt;/Project&gt;" Overwrite="true" />
              </Target>
            </Project>
            """);
        HostileRepository.Readable(repository.Path);
        using var state = TempFolder.State();
        var environment = world.CliEnvironment(state.Path);

        var run = await Cli.RunAsync(["run", "-C", repository.Path, "--", "dotnet", "build", "Lib/Lib.csproj"], environment, timeLimit: TimeSpan.FromMinutes(15));

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("Build succeeded", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("POISONED", run.All, StringComparison.Ordinal);
        // The planted files are there (restore-time code could write them); the stager took none of them.
        Assert.Contains(Directory.EnumerateFiles(state.Path, "Json.cs", SearchOption.AllDirectories), f => f.Contains("/results/", StringComparison.Ordinal));
    }

    /// <summary>Tests that pass only with the restored package, and that check from inside what the build sandbox was given.</summary>
    private static void AddTests(TempFolder repository, string strayFolder)
    {
        repository.Write("App.slnx", """
            <Solution>
              <Project Path="Lib/Lib.csproj" />
              <Project Path="Lib.Tests/Lib.Tests.csproj" />
            </Solution>
            """);
        repository.Write("Lib.Tests/Lib.Tests.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><IsTestProject>true</IsTestProject><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                <PackageReference Include="xunit" Version="2.9.3" />
                <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                <ProjectReference Include="../Lib/Lib.csproj" />
              </ItemGroup>
            </Project>
            """);
        repository.Write("Lib.Tests/JsonTests.cs", $$"""
            using Xunit;

            public class JsonTests
            {
                [Fact]
                public void Serialises_with_the_restored_package() => Assert.Equal("{\"A\":1}", Lib.Json.Of(new { A = 1 }));

                [Fact]
                public void The_build_sandbox_has_exactly_the_restored_packages_and_no_stray_mount()
                {
                    var mounts = System.IO.File.ReadAllText("/proc/self/mountinfo");
                    Assert.DoesNotContain("{{Path.GetFileName(strayFolder)}}", mounts);
                    Assert.Equal(new[] { "/sandbox/nuget/0" }, System.IO.Directory.GetDirectories("/sandbox/nuget"));
                    Assert.False(System.IO.File.Exists("/var/run/docker.sock"));
                    Assert.False(System.IO.Directory.Exists("/sandbox/restore/config"));
                }
            }
            """);
        HostileRepository.Readable(repository.Path);
    }
}
