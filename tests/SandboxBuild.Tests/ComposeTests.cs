using SandboxBuild.Diagnostics;
using SandboxBuild.Validation;
using SandboxBuild.Validation.Compose;

namespace SandboxBuild.Tests;

/// <summary>The pattern's compose format, judged statically with file and line, including what compose would merge.</summary>
public class ComposeTests
{
    // The seed article's Level 1 configuration, as a user would write it.
    private const string SeedCompose = """
        services:
          ai-development:
            image: ai-sandbox:latest
            network_mode: none
            user: "1000:1000"
            security_opt:
              - no-new-privileges:true
            cap_drop:
              - ALL
            read_only: true
            tmpfs:
              - /tmp:size=64m
            pids_limit: 256
            deploy:
              resources:
                limits:
                  cpus: '2.0'
                  memory: 4G
            volumes:
              - ./src:/workspace/src:ro
              - ./generated:/workspace/generated:rw
        """;

    private static HostContext HostFor(string repo) => new()
    {
        HomeDirectories = ["/home/dev", "/root"],
        EngineSockets = ["/var/run/docker.sock"],
        RepositoryRoot = "/nonexistent-repo",
    };

    [Fact]
    public void The_hardened_seed_configuration_passes()
    {
        using var folder = new TempFolder();
        var file = folder.Write("docker-compose.ai-sandbox.yml", SeedCompose);

        var findings = ComposeReader.Judge(file, HostFor(folder.Path));

        Assert.DoesNotContain(findings, f => f.Status != CheckStatus.Pass);
    }

    [Theory]
    [InlineData("network_mode: none", "network_mode: bridge", "SBX2001")]
    [InlineData("network_mode: none", "network_mode: host", "SBX2001")]
    [InlineData("network_mode: none", "network_mode: \"container:db\"", "SBX2001")]
    [InlineData("read_only: true", "read_only: true\n    privileged: true", "SBX2002")]
    [InlineData("cap_drop:", "cap_add:\n      - SYS_ADMIN\n    cap_drop:", "SBX2003")]
    [InlineData("      - no-new-privileges:true", "      - seccomp:unconfined", "SBX2005")]
    [InlineData("      - no-new-privileges:true", "      - no-new-privileges:true\n      - seccomp:unconfined", "SBX2006")]
    [InlineData("      - no-new-privileges:true", "      - no-new-privileges:true\n      - apparmor:unconfined", "SBX2007")]
    [InlineData("      - no-new-privileges:true", "      - no-new-privileges:true\n      - systempaths=unconfined", "SBX2008")]
    [InlineData("read_only: true", "read_only: false", "SBX2009")]
    [InlineData("user: \"1000:1000\"", "user: root", "SBX2010")]
    [InlineData("pids_limit: 256", "pids_limit: 256\n    pid: host", "SBX2011")]
    [InlineData("pids_limit: 256", "pids_limit: 256\n    ipc: host", "SBX2011")]
    [InlineData("pids_limit: 256", "pids_limit: 256\n    devices:\n      - /dev/kvm", "SBX2012")]
    [InlineData("          memory: 4G", "          memory: 0", "SBX2013")]
    [InlineData("          cpus: '2.0'", "          cpus: '0'", "SBX2014")]
    [InlineData("pids_limit: 256", "pids_limit: 0", "SBX2015")]
    [InlineData("      - ./src:/workspace/src:ro", "      - ./src:/workspace/src:ro\n      - /var/run/docker.sock:/var/run/docker.sock", "SBX2016")]
    [InlineData("      - ./src:/workspace/src:ro", "      - ./src:/workspace/src:ro\n      - ~/.aws:/home/aiuser/.aws:ro", "SBX2017")]
    [InlineData("      - ./src:/workspace/src:ro", "      - ./src:/workspace/src", "SBX2018")]
    [InlineData("      - ./src:/workspace/src:ro", "      - ./src:/workspace/src:ro,rshared", "SBX2019")]
    [InlineData("pids_limit: 256", "pids_limit: 256\n    environment:\n      GITHUB_TOKEN: abc", "SBX2020")]
    [InlineData("      - /tmp:size=64m", "      - /tmp", "SBX2022")]
    public void Each_weakening_in_a_compose_file_is_caught_with_file_and_line(string find, string replace, string code)
    {
        using var folder = new TempFolder();
        var file = folder.Write("docker-compose.ai-sandbox.yml", SeedCompose.Replace(find, replace, StringComparison.Ordinal));

        var findings = ComposeReader.Judge(file, HostFor(folder.Path));

        var failure = findings.First(f => f.Status == CheckStatus.Fail && f.Code.Id == code);
        Assert.Equal(file, failure.Location!.File);
        Assert.True(failure.Location.Line > 1, $"{code} should point at its line, not the top of the file");
    }

    [Fact]
    public void An_override_file_is_merged_and_its_weakening_reported_at_its_own_line()
    {
        using var folder = new TempFolder();
        var main = folder.Write("docker-compose.yml", SeedCompose);
        var overrideFile = folder.Write("docker-compose.override.yml", "services:\n  ai-development:\n    network_mode: bridge\n");

        var findings = ComposeReader.Judge(main, HostFor(folder.Path));

        var network = Assert.Single(findings, f => f.Code == Codes.NetworkNotNone && f.Status == CheckStatus.Fail);
        Assert.Equal(overrideFile, network.Location!.File);
        Assert.Equal(3, network.Location.Line);
        Assert.Contains(findings, f => f.Code == Codes.ComposeMerged);
    }

    [Fact]
    public void An_env_file_that_redirects_the_engine_or_the_files_is_reported()
    {
        using var folder = new TempFolder();
        var main = folder.Write("docker-compose.yml", SeedCompose);
        folder.Write("weak.yml", "services:\n  ai-development:\n    privileged: true\n");
        var env = folder.Write(".env", "# project settings\nDOCKER_HOST=tcp://10.0.0.5:2375\nCOMPOSE_FILE=docker-compose.yml:weak.yml\n");

        var findings = ComposeReader.Judge(main, HostFor(folder.Path));

        Assert.Contains(findings, f => f.Code == Codes.ComposeEnvRedirects && f.Location == new SourceLocation(env, 2));
        Assert.Contains(findings, f => f.Code == Codes.ComposeEnvRedirects && f.Location == new SourceLocation(env, 3));
        Assert.Contains(findings, f => f.Code == Codes.Privileged && f.Status == CheckStatus.Fail);
    }

    [Fact]
    public void Variables_are_interpolated_from_the_env_file_before_judging()
    {
        using var folder = new TempFolder();
        var main = folder.Write("docker-compose.yml", SeedCompose.Replace("network_mode: none", "network_mode: ${NET:-none}", StringComparison.Ordinal));
        folder.Write(".env", "NET=host\n");

        var findings = ComposeReader.Judge(main, HostFor(folder.Path));

        Assert.Contains(findings, f => f.Code == Codes.NetworkNotNone && f.Status == CheckStatus.Fail && f.Seen == "host");
    }

    [Fact]
    public void A_service_without_network_mode_is_on_a_network()
    {
        using var folder = new TempFolder();
        var main = folder.Write("docker-compose.yml", SeedCompose.Replace("    network_mode: none\n", "", StringComparison.Ordinal));

        Assert.Contains(ComposeReader.Judge(main, HostFor(folder.Path)), f => f.Code == Codes.NetworkNotNone && f.Status == CheckStatus.Fail);
    }
}
