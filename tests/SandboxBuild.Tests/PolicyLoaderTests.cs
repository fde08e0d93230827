using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Tests;

public class PolicyLoaderTests
{
    [Fact]
    public void Empty_file_gives_the_hardened_defaults()
    {
        var policy = PolicyLoader.Parse("", "sandbox.yml");

        Assert.Equal("none", policy.Network);
        Assert.Equal("1000:1000", policy.User);
        Assert.Equal(["ALL"], policy.CapDrop);
        Assert.Empty(policy.CapAdd);
        Assert.True(policy.NoNewPrivileges);
        Assert.True(policy.ReadOnlyRootFilesystem);
        Assert.Equal(4L << 30, policy.Memory);
        Assert.Equal(2, policy.Cpus);
        Assert.True(policy.Pids > 0);
        Assert.True(policy.Timeout > TimeSpan.Zero);
        Assert.Empty(policy.EnvAllow);
        Assert.All(policy.Tmpfs.Values, size => Assert.True(size > 0));
        Assert.Equal(SandboxPolicy.OfficialImage, policy.Image);
        Assert.Contains("@sha256:", policy.Image);
    }

    [Fact]
    public void Values_are_read_with_units()
    {
        var policy = PolicyLoader.Parse("""
            memory: 512m
            cpus: 1.5
            pids: 256
            timeout: 90s
            tmpfs:
              /tmp: 64m
            env:
              allow: [CI]
              set:
                FOO: bar
            artifacts:
              include: ["**/*.trx"]
              max_files: 10
              secrets: warn
            """, "sandbox.yml");

        Assert.Equal(512L << 20, policy.Memory);
        Assert.Equal(1.5, policy.Cpus);
        Assert.Equal(256, policy.Pids);
        Assert.Equal(TimeSpan.FromSeconds(90), policy.Timeout);
        Assert.Equal(64L << 20, policy.Tmpfs["/tmp"]);
        Assert.Equal(["CI"], policy.EnvAllow);
        Assert.Equal("bar", policy.EnvSet["FOO"]);
        Assert.Equal(["**/*.trx"], policy.Artifacts.Include);
        Assert.Equal(10, policy.Artifacts.MaxFiles);
        Assert.Equal(SecretAction.Warn, policy.Artifacts.Secrets);
    }

    [Fact]
    public void Unknown_keys_and_bad_values_are_all_reported_with_their_lines()
    {
        var e = Assert.Throws<SandboxException>(() => PolicyLoader.Parse("""
            network: none
            netwrok: bridge
            memory: lots
            artifacts:
              max_fils: 3
            """, "sandbox.yml"));

        Assert.Equal(Codes.PolicyInvalid, e.Code);
        Assert.Equal(3, e.Problems.Count);
        Assert.Contains(e.Problems, p => p.Location!.Line == 2 && p.Message.Contains("Did you mean 'network'"));
        Assert.Contains(e.Problems, p => p.Location!.Line == 3 && p.Message.Contains("memory"));
        Assert.Contains(e.Problems, p => p.Location!.Line == 5 && p.Message.Contains("artifacts.max_fils"));
    }

    [Fact]
    public void Broken_yaml_is_an_error_with_a_line()
    {
        var e = Assert.Throws<SandboxException>(() => PolicyLoader.Parse("network: none\nmemory: [4g\n", "sandbox.yml"));

        Assert.Equal(Codes.PolicyInvalid, e.Code);
        Assert.True(e.Location!.Line >= 2);
    }

    [Fact]
    public void A_weak_policy_is_read_not_refused_so_the_gate_can_say_what_is_wrong()
    {
        var policy = PolicyLoader.Parse("network: bridge\nprivileged: true\ncap_add: [SYS_ADMIN]\n", "sandbox.yml");

        Assert.Equal("bridge", policy.Network);
        Assert.True(policy.Privileged);
        Assert.Equal(1, policy.Origin.Locate("network")!.Line);
        Assert.Equal(3, policy.Origin.Locate("cap_add")!.Line);
    }

    [Fact]
    public void Mounts_without_a_mode_are_read_only()
    {
        var policy = PolicyLoader.Parse("mounts:\n  - ./docs:/workspace/docs\n  - ./cache:/cache:rw\n", "sandbox.yml");

        Assert.True(policy.Mounts[0].ReadOnly);
        Assert.False(policy.Mounts[1].ReadOnly);
    }

    [Fact]
    public void Overrides_are_layered_on_top_and_validated()
    {
        var policy = new PolicyOverrides { Memory = "1g", Timeout = "5m", EnvAllow = ["CI"] }.ApplyTo(SandboxPolicy.Default);

        Assert.Equal(1L << 30, policy.Memory);
        Assert.Equal(TimeSpan.FromMinutes(5), policy.Timeout);
        Assert.Equal(["CI"], policy.EnvAllow);
        Assert.Equal(Codes.InvalidInput, Assert.Throws<SandboxException>(() => new PolicyOverrides { Cpus = "many" }.ApplyTo(SandboxPolicy.Default)).Code);
    }

    [Theory]
    [InlineData("4g", 4L << 30)]
    [InlineData("512m", 512L << 20)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("100", 100)]
    public void Sizes_parse_like_docker(string text, long bytes)
    {
        Assert.True(Quantities.TryParseBytes(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("00:01:00", 60)]
    public void Durations_parse(string text, int seconds)
    {
        Assert.True(Quantities.TryParseDuration(text, out var parsed));
        Assert.Equal(TimeSpan.FromSeconds(seconds), parsed);
    }

    [Fact]
    public void The_canonical_hash_ignores_where_the_policy_came_from_but_not_what_it_says()
    {
        var a = PolicyLoader.Parse("memory: 4g", "a.yml");
        var b = PolicyLoader.Parse("", "b.yml");
        var c = PolicyLoader.Parse("memory: 8g", "c.yml");

        Assert.Equal(PolicyCanonical.Sha256(a), PolicyCanonical.Sha256(b));
        Assert.NotEqual(PolicyCanonical.Sha256(a), PolicyCanonical.Sha256(c));
    }
}
