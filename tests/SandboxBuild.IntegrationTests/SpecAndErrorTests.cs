using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Runs;

namespace SandboxBuild.IntegrationTests;

public sealed class SpecAndErrorTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task The_containers_inspect_matches_the_policy_field_by_field()
    {
        using var source = new TempFolder();
        using var output = new TempFolder();
        var policy = fixture.Policy with
        {
            Memory = 1L << 30,
            Cpus = 1.5,
            Pids = 300,
            Tmpfs = new SortedDictionary<string, long>(StringComparer.Ordinal) { ["/tmp"] = 64L << 20, [SandboxPolicy.SandboxHome] = 32L << 20 },
            WorkspaceSize = 256L << 20,
            EnvSet = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["PLAIN"] = "value" },
        };
        var layout = new SandboxLayout { SourceDirectory = source.Path, OutputDirectory = output.Path, PackageFolders = [source.Path], ProbeVolume = fixture.ProbeVolume };
        await using var container = await SandboxFactory.StartAsync(fixture.Engine, new SandboxRequest
        {
            Policy = policy,
            Layout = layout,
            Kind = "validate",
            RunId = "spec",
            RepositoryPath = source.Path,
            Lifetime = TimeSpan.FromMinutes(1),
        }, CancellationToken.None);

        var inspect = await container.InspectAsync(CancellationToken.None);
        var host = inspect.HostConfig;

        Assert.Equal("none", host.NetworkMode);
        Assert.Equal("1000:1000", inspect.Config.User);
        Assert.False(host.Privileged);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.True(host.CapAdd is null || host.CapAdd.Count == 0);
        Assert.Equal(["no-new-privileges:true"], host.SecurityOpt);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal(1L << 30, host.Memory);
        Assert.Equal(1L << 30, host.MemorySwap);
        Assert.Equal(1_500_000_000, host.NanoCPUs);
        Assert.Equal(300, host.PidsLimit);
        Assert.Equal("private", host.IpcMode);
        Assert.Equal("private", host.CgroupnsMode);
        Assert.True(host.Init);
        Assert.NotEmpty(host.MaskedPaths);
        Assert.NotEmpty(host.ReadonlyPaths);
        Assert.Contains("size=67108864", host.Tmpfs["/tmp"], StringComparison.Ordinal);
        Assert.Contains("size=33554432", host.Tmpfs[SandboxPolicy.SandboxHome], StringComparison.Ordinal);
        Assert.Contains("size=268435456", host.Tmpfs[SandboxPolicy.BuildTarget], StringComparison.Ordinal);
        Assert.All(host.Tmpfs.Values, options => Assert.Contains("nosuid", options, StringComparison.Ordinal));

        var mounts = inspect.Mounts.ToDictionary(m => m.Destination);
        Assert.False(mounts[policy.SourceTarget].RW);
        Assert.Equal(source.Path, mounts[policy.SourceTarget].Source);
        Assert.True(mounts[policy.OutputTarget].RW);
        Assert.Equal(output.Path, mounts[policy.OutputTarget].Source);
        Assert.False(mounts[SandboxLayout.PackageTarget(0)].RW);
        Assert.False(mounts[SandboxLayout.ProbeMount].RW);
        Assert.Equal(4, mounts.Count);
        Assert.All(inspect.Mounts.Where(m => m.Type == "bind"), m => Assert.Equal("rprivate", m.Propagation));

        // Nothing but our defaults, the policy's variables and the image's own settings: no host variable.
        var env = inspect.Config.Env.Select(e => e.Split('=', 2)[0]).ToHashSet();
        var image = await fixture.Engine.Client.Images.InspectImageAsync(fixture.Image.Reference);
        var allowed = SandboxEnvironment.Defaults.Keys.Append("PLAIN").Append("NUGET_PACKAGES")
            .Concat((image.Config.Env ?? []).Select(e => e.Split('=', 2)[0])).ToHashSet();
        Assert.Subset(allowed, env);
        Assert.Contains("PLAIN", env);
    }

    [Fact]
    public async Task A_bad_policy_file_is_a_coded_error_with_its_line_and_nothing_starts()
    {
        using var source = new TempFolder();
        source.Write("sandbox.yml", "network: none\nmemroy: 4g\n");

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/true"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{source.Path}/sandbox.yml:2: error SBX2000: Unknown key 'memroy'. Did you mean 'memory'?", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task A_missing_engine_names_the_endpoint_it_tried_and_why()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/true"], new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });

        Assert.Equal(125, result.ExitCode);
        Assert.Contains("error SBX1001", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("unix:///nonexistent/docker.sock", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("no socket at this path", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_image_is_a_coded_error_and_nothing_is_left_running()
    {
        using var source = new TempFolder();

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--image", "sandboxbuild/not-there:1", "--", "/bin/true"]);

        Assert.Equal(125, result.ExitCode);
        Assert.Contains("error SBX1102", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("sandboxbuild/not-there:1", result.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task The_default_image_falls_back_to_the_baked_one_and_says_so()
    {
        using var source = new TempFolder();

        // Pulling is disabled, so the pinned official image cannot be had: the baked one is used, with a warning.
        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/true"], new Dictionary<string, string?> { ["SANDBOXBUILD_PULL"] = "never" });

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("warning SBX1101", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(fixture.Image.Reference, result.StdErr, StringComparison.Ordinal);
    }
}
