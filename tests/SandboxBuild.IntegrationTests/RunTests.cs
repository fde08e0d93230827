using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using SandboxBuild.Engine;
using SandboxBuild.Host;

namespace SandboxBuild.IntegrationTests;

/// <summary>`sandboxbuild run` as a user runs it: the real CLI, the real sample, a real engine.</summary>
public sealed class RunTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task The_sample_tests_pass_inside_and_the_trx_lands_in_the_output_with_manifest_and_provenance()
    {
        using var sample = TempFolder.SampleCopy();

        var result = await Cli.RunAsync(["run", "-C", sample.Path]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Security gate PASSED", result.All, StringComparison.Ordinal);
        Assert.Contains("Passed!", result.All, StringComparison.Ordinal);
        var published = Path.Combine(sample.Path, "sandbox-output", "artifacts");
        var trx = Assert.Single(Directory.GetFiles(Path.Combine(published, "TestResults"), "*.trx"));
        Assert.Contains("outcome=\"Passed\"", File.ReadAllText(trx), StringComparison.Ordinal);

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(sample.Path, "sandbox-output", "manifest.json")))!;
        var provenance = JsonNode.Parse(File.ReadAllText(Path.Combine(sample.Path, "sandbox-output", "provenance.intoto.json")))!;
        foreach (var file in manifest["files"]!.AsArray())
        {
            var path = file!["path"]!.GetValue<string>();
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(published, path))));
            Assert.Equal(actual, file["sha256"]!.GetValue<string>());
            Assert.Contains(provenance["subject"]!.AsArray(), s => s!["name"]!.GetValue<string>() == path && s["digest"]!["sha256"]!.GetValue<string>() == actual);
        }

        Assert.True(provenance["predicate"]!["buildDefinition"]!["internalParameters"]!["validation"]!["passed"]!.GetValue<bool>());
        Assert.Equal("none", provenance["predicate"]!["buildDefinition"]!["internalParameters"]!["network"]!.GetValue<string>());
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, sample.Path));
    }

    [Fact]
    public async Task A_test_that_connects_to_a_listener_on_the_host_fails_inside_and_the_listener_answers_outside()
    {
        using var sample = TempFolder.SampleCopy();
        // The bridge's host side, as the product finds it (a fresh engine reports no IPAM gateway).
        var gateway = await SandboxBuild.Engine.EngineNetwork.HostSideAddressAsync(fixture.Engine, CancellationToken.None);
        using var listener = new TcpListener(gateway, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
            }
        });
        sample.Write("tests/SampleApp.Tests/NetworkTests.cs", $$"""
            namespace SampleApp.Tests;

            public class NetworkTests
            {
                [Fact]
                public void Reaches_the_host_listener()
                {
                    using var client = new System.Net.Sockets.TcpClient();
                    client.Connect("{{gateway}}", {{port}});
                    Assert.True(client.Connected);
                }
            }
            """);

        var sandboxed = await Cli.RunAsync(["run", "-C", sample.Path]);

        Assert.Equal(1, sandboxed.ExitCode);
        Assert.Contains("Reaches_the_host_listener", sandboxed.All, StringComparison.Ordinal);
        Assert.Contains("Network is unreachable", sandboxed.All, StringComparison.Ordinal);
        Assert.Contains("SBX3001", sandboxed.All, StringComparison.Ordinal);

        // The positive control: the listener answers from this host, so the failure inside is the sandbox's (the
        // package tests run the same kind of test natively with SandboxSkip and see it pass).
        using var control = new TcpClient();
        await control.ConnectAsync(gateway, port);
        Assert.True(control.Connected);
    }

    [Fact]
    public async Task Host_secrets_do_not_cross_and_only_allowlisted_variables_do()
    {
        using var source = new TempFolder();
        var environment = new Dictionary<string, string?>
        {
            ["AWS_SECRET_ACCESS_KEY"] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYFAKEFAKEKEY",
            ["GITHUB_TOKEN"] = "ghp_fakefakefakefakefakefakefakefake0000",
            ["SANDBOXBUILD_TEST_VISIBLE"] = "visible-value",
        };

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--env-allow", "SANDBOXBUILD_TEST_VISIBLE", "--", "/usr/bin/env"], environment);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("SANDBOXBUILD_TEST_VISIBLE=visible-value", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("GITHUB_TOKEN", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_fake", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_the_source_fails_and_the_host_copy_is_untouched()
    {
        using var source = new TempFolder();
        var file = source.Write("Program.cs", "original");

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/sh", "-c", "echo hacked > /workspace/src/Program.cs"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Read-only file system", result.All, StringComparison.Ordinal);
        Assert.Equal("original", File.ReadAllText(file));
    }

    [Fact]
    public async Task A_run_past_its_timeout_is_killed_reported_and_its_partial_output_and_log_kept()
    {
        using var source = new TempFolder();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--timeout", "25s", "--",
            "/bin/sh", "-c", "echo started-work; echo partial > /workspace/output/partial.txt; sleep 600"]);

        Assert.True(result.ExitCode == 124, result.All);
        Assert.Contains("SBX3002", result.All, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25) + SandboxBuild.Runs.FreshLease.SelfEndGrace + TimeSpan.FromMinutes(2), $"took {clock.Elapsed}");
        Assert.Equal("partial\n", File.ReadAllText(Path.Combine(source.Path, "sandbox-output", "artifacts", "partial.txt")));
        var logs = await Cli.RunAsync(["logs", "-C", source.Path]);
        Assert.Contains("started-work", logs.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task A_failing_command_passes_its_exit_code_through_with_a_code()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/sh", "-c", "exit 3"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("SBX3001", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task Leftovers_of_a_crashed_run_are_removed_by_the_next_run()
    {
        using var source = new TempFolder();
        var labels = SandboxBuild.Engine.SandboxLabels.For("run", "crashed", source.Path, "x", DateTimeOffset.UtcNow.AddHours(1));
        labels[SandboxBuild.Engine.SandboxLabels.Owner] = $"{Environment.MachineName}:999999";
        var crashed = await fixture.Engine.Client.Containers.CreateContainerAsync(new Docker.DotNet.Models.CreateContainerParameters
        {
            Image = fixture.Image.Reference,
            Entrypoint = ["/bin/sleep", "600"],
            Labels = labels,
            HostConfig = new Docker.DotNet.Models.HostConfig { NetworkMode = "none" },
        });
        await fixture.Engine.Client.Containers.StartContainerAsync(crashed.ID, new Docker.DotNet.Models.ContainerStartParameters());

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/true"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }
}
