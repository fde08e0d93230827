using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

/// <summary>The static gate over a policy file: each weakening written into sandbox.yml fails with its code and line.</summary>
public class IsolationChecksTests
{
    private static readonly HostContext Host = new()
    {
        HomeDirectories = ["/home/dev", "/root"],
        EngineSockets = ["/var/run/docker.sock", "/run/containerd/containerd.sock"],
        RepositoryRoot = "/home/dev/repo",
    };

    private static IReadOnlyList<Finding> Judge(string yaml) =>
        IsolationChecks.Judge(PolicyFacts.From(PolicyLoader.Parse(yaml, "/home/dev/repo/sandbox.yml"), "/home/dev/repo"), Host).ToArray();

    [Fact]
    public void The_hardened_default_passes_every_check()
    {
        var findings = Judge("");

        Assert.All(findings, f => Assert.Equal(CheckStatus.Pass, f.Status));
        Assert.True(findings.Count >= 20);
    }

    [Theory]
    [InlineData("network: bridge", "SBX2001", 1)]
    [InlineData("network: host", "SBX2001", 1)]
    [InlineData("network: container:abc", "SBX2001", 1)]
    [InlineData("network: none-ish", "SBX2001", 1)]
    [InlineData("privileged: true", "SBX2002", 1)]
    [InlineData("cap_add: [SYS_ADMIN]", "SBX2003", 1)]
    [InlineData("cap_drop: [NET_RAW]", "SBX2004", 1)]
    [InlineData("no_new_privileges: false", "SBX2005", 1)]
    [InlineData("seccomp: unconfined", "SBX2006", 1)]
    [InlineData("apparmor: unconfined", "SBX2007", 1)]
    [InlineData("system_paths: unconfined", "SBX2008", 1)]
    [InlineData("read_only: false", "SBX2009", 1)]
    [InlineData("user: root", "SBX2010", 1)]
    [InlineData("user: \"0:0\"", "SBX2010", 1)]
    [InlineData("pid: host", "SBX2011", 1)]
    [InlineData("ipc: host", "SBX2011", 1)]
    [InlineData("uts: host", "SBX2011", 1)]
    [InlineData("devices: [/dev/fuse]", "SBX2012", 1)]
    [InlineData("memory: 0", "SBX2013", 1)]
    [InlineData("memory_swap: unlimited", "SBX2013", 0)]
    [InlineData("cpus: 0", "SBX2014", 1)]
    [InlineData("pids: 0", "SBX2015", 1)]
    [InlineData("mounts: [/var/run/docker.sock:/var/run/docker.sock]", "SBX2016", 1)]
    [InlineData("mounts: [/var/run:/host-run]", "SBX2016", 1)]
    [InlineData("mounts: [/home/dev:/home/dev]", "SBX2017", 1)]
    [InlineData("mounts: [/home/dev/.aws:/creds]", "SBX2017", 1)]
    [InlineData("mounts: [/tmp/cache:/cache:rw]", "SBX2018", 1)]
    [InlineData("source: { read_only: false }", "SBX2018", 1)]
    [InlineData("mounts: [/home/dev/repo/obj:/obj:rw]", "SBX2018", 1)]
    [InlineData("env: { set: { AWS_SECRET_ACCESS_KEY: x } }", "SBX2020", 1)]
    [InlineData("env: { allow: [GITHUB_TOKEN] }", "SBX2020", 1)]
    [InlineData("env: { set: { NOTE: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB } }", "SBX2020", 1)]
    [InlineData("mounts: [/etc:/host-etc]", "SBX2021", 1)]
    [InlineData("tmpfs: { /tmp: }", "SBX2022", 1)]
    [InlineData("timeout: 0s", "SBX2023", 1)]
    public void Each_weakening_fails_with_its_code_at_its_line(string yaml, string code, int line)
    {
        var findings = Judge(yaml);

        var failure = Assert.Single(findings, f => f.Status == CheckStatus.Fail && f.Code.Id == code);
        Assert.Equal("/home/dev/repo/sandbox.yml", failure.Location?.File);
        if (line > 0)
        {
            Assert.Equal(line, failure.Location!.Line);
        }
    }

    [Fact]
    public void Privileged_fails_even_with_all_capabilities_dropped()
    {
        var findings = Judge("privileged: true\ncap_drop: [ALL]");

        Assert.Contains(findings, f => f.Code == Codes.Privileged && f.Status == CheckStatus.Fail);
    }

    [Fact]
    public void A_read_only_package_cache_under_home_is_fine_but_writable_it_is_not()
    {
        Assert.DoesNotContain(Judge("mounts: [/home/dev/.nuget/packages:/pkgs]"), f => f.Status != CheckStatus.Pass);
        Assert.Contains(Judge("mounts: [/home/dev/.nuget/packages:/pkgs:rw]"), f => f.Code == Codes.CredentialsMounted && f.Status == CheckStatus.Fail);
    }

    [Fact]
    public void Names_that_merely_resemble_the_right_value_do_not_pass()
    {
        Assert.Contains(Judge("network: nonexistent"), f => f.Code == Codes.NetworkNotNone && f.Status == CheckStatus.Fail);
        Assert.Contains(Judge("cap_drop: [ALLX]"), f => f.Code == Codes.CapabilitiesNotDropped && f.Status == CheckStatus.Fail);
    }
}
