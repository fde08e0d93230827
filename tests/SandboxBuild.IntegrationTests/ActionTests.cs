using Docker.DotNet.Models;
using SandboxBuild.Host;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// The action image, built locally from the repository's Dockerfile, run the way the GitHub runner runs a
/// docker action: `--workdir /github/workspace`, the runner's mounts (the Docker socket, /github/home, the
/// file-command folder, the workspace from a different host path), INPUT_* and GITHUB_* variables, and fake
/// runtime and GitHub tokens that must never reach the sandbox.
/// </summary>
public sealed class ActionTests(EngineFixture fixture, ActionImageFixture image) : IClassFixture<EngineFixture>, IClassFixture<ActionImageFixture>
{
    private const string RuntimeToken = "fake-actions-runtime-token-7f3a9c";
    private const string GitHubToken = "ghs_FakeFakeFakeFakeFakeFakeFakeFake0123";

    [Fact]
    public async Task The_action_tests_the_sample_sandboxed_and_fulfils_the_runner_contract()
    {
        using var runner = RunnerLayout.Create();
        runner.CopySample();

        // The trusted feeds for the restore sandbox: the packages the runner prepared (containers here cannot reach nuget.org).
        var run = await RunActionAsync(runner, new() { ["INPUT_COMMAND"] = "dotnet test", ["SANDBOXBUILD_FEEDS"] = "/github/workspace/feed;/github/workspace/.nuget-packages" });

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Passed!", run.Output, StringComparison.Ordinal);
        var outputs = runner.Outputs();
        Assert.Equal(["artifacts-path", "exit-code", "gate-result", "manifest-path", "provenance-path", "sarif-path"], outputs.Keys.Order().ToArray());
        Assert.Equal("passed", outputs["gate-result"]);
        Assert.Equal("0", outputs["exit-code"]);
        Assert.Equal("sandbox-output/artifacts", outputs["artifacts-path"]);
        Assert.Single(Directory.GetFiles(Path.Combine(runner.Workspace, outputs["artifacts-path"], "TestResults"), "*.trx"));
        Assert.True(File.Exists(Path.Combine(runner.Workspace, outputs["manifest-path"])));
        Assert.True(File.Exists(Path.Combine(runner.Workspace, outputs["sarif-path"])));
        var summary = runner.Summary();
        Assert.Contains("| ✅ pass | SBX2001 | container | network mode | none | none |", summary, StringComparison.Ordinal);
        Assert.Contains("| ✅ pass | SBX2103 | probe |", summary, StringComparison.Ordinal);
        // The sandboxed output is fenced: nothing it prints can act as a workflow command.
        Assert.Matches("::stop-commands::[0-9A-F]{32}", run.Output);
    }

    [Fact]
    public async Task The_sandbox_sees_the_right_source_no_token_and_publishes_only_into_the_verified_folder()
    {
        using var runner = RunnerLayout.Create();
        var marker = $"marker-{Guid.NewGuid():N}";
        File.WriteAllText(Path.Combine(runner.Workspace, "marker.txt"), marker);
        var before = runner.WorkspaceFiles();

        var run = await RunActionAsync(runner, new()
        {
            ["INPUT_COMMAND"] = "/bin/sh -c \"env > /workspace/output/env.txt; cat /workspace/src/marker.txt > /workspace/output/seen.txt; ls -a / > /workspace/output/root.txt\"",
        });

        Assert.True(run.ExitCode == 0, run.Output);
        var artifacts = Path.Combine(runner.Workspace, "sandbox-output", "artifacts");
        Assert.Equal(marker, File.ReadAllText(Path.Combine(artifacts, "seen.txt")).Trim());
        var env = File.ReadAllText(Path.Combine(artifacts, "env.txt"));
        foreach (var forbidden in new[] { RuntimeToken, GitHubToken, "ACTIONS_RUNTIME_TOKEN", "GITHUB_TOKEN", "ACTIONS_ID_TOKEN", "INPUT_", "GITHUB_", "DOCKER" })
        {
            Assert.DoesNotContain(forbidden, env, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("docker.sock", File.ReadAllText(Path.Combine(artifacts, "root.txt")), StringComparison.Ordinal);
        // Besides the verified output folder and the SARIF report, the workspace is as it was.
        var added = runner.WorkspaceFiles().Except(before).Where(f => !f.StartsWith("sandbox-output/", StringComparison.Ordinal) && f != "sandbox.sarif");
        Assert.Empty(added);
    }

    [Fact]
    public async Task A_pull_request_that_loosens_its_policy_fails_the_step_with_annotations_naming_the_codes()
    {
        using var runner = RunnerLayout.Create();
        File.WriteAllText(Path.Combine(runner.Workspace, "sandbox.yml"), "network: bridge\ncap_add: [SYS_ADMIN]\n");

        var run = await RunActionAsync(runner, new() { ["INPUT_COMMAND"] = "/bin/true" });

        Assert.Equal(121, run.ExitCode);
        Assert.Contains("::error file=sandbox.yml,line=1,title=SBX2501 The repository's policy loosens the trusted floor::SBX2501", run.Output, StringComparison.Ordinal);
        Assert.Contains("::error file=sandbox.yml,line=2,title=SBX2501", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Security gate PASSED", run.Output, StringComparison.Ordinal);
        Assert.Equal("failed", runner.Outputs()["gate-result"]);
        Assert.Contains("SBX2501", File.ReadAllText(Path.Combine(runner.Workspace, "sandbox.sarif")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_from_the_committed_baseline_fails_the_step_and_warns_when_told_to()
    {
        // The approved sandbox had 2g; the run gets the floor's 4g: a weakening against the baseline.
        using var caller = new TempFolder();
        using var runner = RunnerLayout.Create();
        var approved = caller.Write("approved.yml", "memory: 2g\n");
        var written = await Cli.RunAsync(["validate", "-C", runner.Workspace, "--policy", approved, "--write-baseline", Path.Combine(runner.Workspace, "sandbox.baseline.json")]);
        Assert.True(written.ExitCode == 0, written.All);

        var failing = await RunActionAsync(runner, new() { ["INPUT_COMMAND"] = "/bin/true", ["INPUT_BASELINE"] = "sandbox.baseline.json" });
        var warning = await RunActionAsync(runner, new() { ["INPUT_COMMAND"] = "/bin/true", ["INPUT_BASELINE"] = "sandbox.baseline.json", ["INPUT_FAIL-ON-DRIFT"] = "false" });

        Assert.Equal(121, failing.ExitCode);
        Assert.Contains("title=SBX2801", failing.Output, StringComparison.Ordinal);
        Assert.Contains("memory: 2147483648 -> 4294967296", failing.Output, StringComparison.Ordinal);
        Assert.True(warning.ExitCode == 0, warning.Output);
        Assert.Contains("::warning title=SBX2801", warning.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hostile_repository_restores_in_a_restore_sandbox_and_nothing_reaches_the_runner()
    {
        var bridge = await Egress.HostSide.BridgeAddressAsync(fixture.Engine);
        using var certificates = new Egress.TestCertificates(["api.feed.test", "evil.test"]);
        await using var feed = Egress.StaticFeed.Start(certificates.Server, new Dictionary<string, string> { ["newtonsoft.json/13.0.3"] = Egress.StaticFeed.NewtonsoftJson }, bridge);
        using var listeners = new Egress.CountingListeners(bridge);
        using var runner = RunnerLayout.Create();
        var stray = Path.Combine(runner.Home, "stray-folder");
        Directory.CreateDirectory(stray);
        Egress.HostileRepository.WriteInto(TempFolder.Existing(runner.Workspace), bridge, listeners.TcpPort, listeners.UdpPort, listeners.TcpPort, stray);
        // The workflow's trusted settings: the feed (on the bridge's host side, as the runner's network would reach it), its CA.
        File.WriteAllText(Path.Combine(runner.Workflow, "hosts"), $"{bridge} api.feed.test evil.test\n");
        File.Copy(certificates.AuthorityFile, Path.Combine(runner.Workflow, "ca.pem"));
        var before = Egress.HostSide.Snapshot(runner.Workspace);

        var run = await RunActionAsync(runner, new()
        {
            ["INPUT_COMMAND"] = "dotnet build Lib/Lib.csproj",
            ["SANDBOXBUILD_FEEDS"] = $"https://api.feed.test:{feed.HttpsPort}/v3/index.json",
            ["SANDBOXBUILD_RESTORE_CA"] = "/github/workflow/ca.pem",
            ["SANDBOXBUILD_PROXY_HOSTS_FILE"] = "/github/workflow/hosts",
            ["SANDBOXBUILD_PROXY_DNS"] = "127.0.0.1",
            ["AWS_SECRET_ACCESS_KEY"] = Egress.HostileRepository.Secret,
        });

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Restoring in the sandbox through the egress proxy", run.Output, StringComparison.Ordinal);
        Assert.Contains("Build succeeded", run.Output, StringComparison.Ordinal);
        Assert.Contains($"SBX3201", run.Output, StringComparison.Ordinal);
        Assert.Contains(feed.Requests, r => r.EndsWith("newtonsoft.json.13.0.3.nupkg", StringComparison.Ordinal));
        var evidence = Egress.HostileRepository.Evidence(Egress.HostSide.RestoredPackages(Path.Combine(runner.Home, ".local", "state", "sandboxbuild")));
        Assert.Equal(("[]", "[]", "[]", "absent", "0"), (evidence["key"], evidence["token"], evidence["file"], evidence["docker-socket"], evidence["env-secrets"]));
        Assert.Equal(("failed", "failed", "refused"), (evidence["direct-tcp"], evidence["udp"], evidence["write-source"]));
        Assert.StartsWith("HTTP/1.1_403", evidence["via-proxy"], StringComparison.Ordinal);
        Assert.Equal((0, 0), (listeners.TcpConnections, listeners.Datagrams));
        foreach (var secret in new[] { RuntimeToken, GitHubToken, Egress.HostileRepository.Secret })
        {
            Assert.DoesNotContain(secret, run.Output, StringComparison.Ordinal);
        }

        Assert.Empty(Directory.GetFileSystemEntries(stray));
        var after = Egress.HostSide.Snapshot(runner.Workspace).Where(f => !f.Key.StartsWith("sandbox-output", StringComparison.Ordinal) && f.Key != "sandbox.sarif");
        Assert.Equal(before.OrderBy(f => f.Key), after.OrderBy(f => f.Key));
    }

    private async Task<(long ExitCode, string Output)> RunActionAsync(RunnerLayout runner, Dictionary<string, string> inputs)
    {
        var network = $"github_network_{Guid.NewGuid():N}"[..30];
        await fixture.Engine.Client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = network, Labels = new Dictionary<string, string> { ["dev.sandboxbuild.managed"] = "true" } });
        var env = new Dictionary<string, string>
        {
            ["INPUT_COMMAND"] = "dotnet test",
            ["INPUT_WORKING-DIRECTORY"] = ".",
            ["INPUT_OUTPUT"] = "sandbox-output",
            ["INPUT_FAIL-ON-DRIFT"] = "true",
            // No registry here: the workflow names the baked image (by ID) as a self-hosted offline runner would.
            // The action never finds an image by label, and the host's record of the bake is not inside its container.
            ["INPUT_IMAGE"] = fixture.Image.Id,
            ["HOME"] = "/github/home",
            ["GITHUB_ACTIONS"] = "true",
            ["CI"] = "true",
            ["GITHUB_WORKSPACE"] = "/github/workspace",
            ["GITHUB_OUTPUT"] = "/github/file_commands/set_output_1",
            ["GITHUB_STEP_SUMMARY"] = "/github/file_commands/step_summary_1",
            ["GITHUB_REPOSITORY"] = "acme/app",
            ["GITHUB_SHA"] = "0123456789abcdef0123456789abcdef01234567",
            ["RUNNER_TEMP"] = "/home/runner/work/_temp",
            ["ACTIONS_RUNTIME_TOKEN"] = RuntimeToken,
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = RuntimeToken + "-oidc",
            ["ACTIONS_ID_TOKEN_REQUEST_URL"] = "https://pipelines.actions.example/oidc",
            ["GITHUB_TOKEN"] = GitHubToken,
            ["SANDBOXBUILD_PULL"] = "never",
        };
        foreach (var (name, value) in inputs)
        {
            env[name] = value;
        }

        var container = await fixture.Engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image.Tag,
            Cmd = ["action"],
            WorkingDir = "/github/workspace",
            Env = env.Select(e => $"{e.Key}={e.Value}").ToList(),
            Labels = new Dictionary<string, string> { ["dev.sandboxbuild.managed"] = "true", ["dev.sandboxbuild.kind"] = "test-action" },
            HostConfig = new HostConfig
            {
                NetworkMode = network,
                Binds =
                [
                    "/var/run/docker.sock:/var/run/docker.sock",
                    $"{runner.Home}:/github/home",
                    $"{runner.Workflow}:/github/workflow",
                    $"{runner.FileCommands}:/github/file_commands",
                    $"{runner.Workspace}:/github/workspace",
                ],
            },
        });
        try
        {
            await fixture.Engine.Client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var wait = await fixture.Engine.Client.Containers.WaitContainerAsync(container.ID, timeout.Token);
            using var logs = await fixture.Engine.Client.Containers.GetContainerLogsAsync(container.ID, new ContainerLogsParameters { ShowStdout = true, ShowStderr = true });
            var (stdout, stderr) = await logs.ReadOutputToEndAsync(CancellationToken.None);
            return (wait.StatusCode, stdout + stderr);
        }
        finally
        {
            await fixture.Engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
            await fixture.Engine.Client.Networks.DeleteNetworkAsync(network);
        }
    }
}

/// <summary>Builds the action image once, from the repository's Dockerfile, without a registry.</summary>
public sealed class ActionImageFixture : IAsyncLifetime
{
    // A tag of its own: parallel test runs on one engine never run each other's action image.
    public string Tag { get; } = $"sandboxbuild/action:test-{Guid.NewGuid():N}";

    public async Task InitializeAsync()
    {
        var output = new List<string>();
        var exit = await ProcessRunner.RunAsync(Path.Combine(Repository.Root, "build", "action-image.sh"), [Tag], output.Add, CancellationToken.None, Repository.Root);
        if (exit != 0)
        {
            throw new InvalidOperationException($"Building the action image failed ({exit}):\n{string.Join('\n', output.TakeLast(40))}");
        }
    }

    public async Task DisposeAsync()
    {
        using var engine = await SandboxBuild.Engine.EngineConnection.ConnectAsync(EngineFixture.QuietLog, CancellationToken.None);
        try
        {
            await engine.Client.Images.DeleteImageAsync(Tag, new ImageDeleteParameters { Force = false });
        }
        catch (Docker.DotNet.DockerApiException)
        {
            // Still in use by a container the janitor removes; the untagged image is then the engine's to prune.
        }
    }
}
