using Docker.DotNet.Models;
using SandboxBuild.Validation;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Credential material mounted for real, from folders that are not home folders: the probe inside finds it by
/// name and content (SBX2118), the host-side search finds it before any container exists (SBX2050), and a
/// clean extra mount passes.
/// </summary>
public sealed class CredentialMountTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string CheckoutToken = "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX2FiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OQ==\n";
    private const string FeedPassword = "<configuration><packageSourceCredentials><feed><add key=\"ClearTextPassword\" value=\"s3cr3tFeedValue\" /></feed></packageSourceCredentials></configuration>";

    private async Task<ValidationReport> ValidateAsync(TempFolder source, TempFolder? extra)
    {
        return await Proving.ValidateAsync(fixture, source.Path,
            extra is null ? null : p => p.HostConfig.Mounts.Add(SandboxBuild.Engine.SandboxSpec.Bind(extra.Path, "/workspace/fixtures", readOnly: true)));
    }

    private static void AssertFails(ValidationReport report, string code, string evidence)
    {
        var failure = report.Failures.FirstOrDefault(f => f.Code.Id == code);
        Assert.True(failure is not null, $"expected {code} among: {string.Join("; ", report.Failures.Select(f => $"{f.Code.Id} {f.Describe()}"))}");
        Assert.Contains(evidence, failure!.Seen, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> Planted => new()
    {
        { "backup/.aws/credentials", "[default]\naws_access_key_id = AKIAQWERTYUIOPASDFGH\n", ".aws" },
        { "keys/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n", ".ssh" },
        { "ci/NuGet.Config", FeedPassword, "NuGet.Config" },
        { "svc/deploy-key.json", "{\"type\": \"service_account\", \"private_key\": \"k\", \"client_email\": \"a@b\"}", "deploy-key.json" },
        { "u/.docker/config.json", "{\"auths\": {\"r.example\": {\"auth\": \"dTpw\"}}}", "config.json" },
    };

    [Theory]
    [MemberData(nameof(Planted))]
    public async Task Credential_material_in_a_folder_mounted_from_outside_any_home_fails_the_probe(string file, string content, string evidence)
    {
        using var source = new TempFolder();
        using var fixtures = new TempFolder("sandboxbuild-it-fixtures-");
        fixtures.Write(file, content);
        Readable(fixtures.Path);

        var report = await ValidateAsync(source, fixtures);

        AssertFails(report, "SBX2118", evidence);
    }

    [Fact]
    public async Task A_checkout_token_in_the_source_fails_the_probe_and_the_static_gate()
    {
        using var source = new TempFolder();
        source.Write(".git/config", CheckoutToken);
        Readable(source.Path);

        var live = await ValidateAsync(source, null);
        var early = Gate.JudgeStatic(fixture.Policy, source.Path, HostContext.Current(source.Path));

        AssertFails(live, "SBX2118", ".git/config");
        AssertFails(early, "SBX2050", ".git/config");
    }

    [Fact]
    public async Task A_clean_extra_mount_passes_every_check()
    {
        using var source = new TempFolder();
        source.Write(".git/config", "[remote \"origin\"]\n\turl = https://github.com/o/r.git\n");
        source.Write("NuGet.Config", FeedPassword.Replace("s3cr3tFeedValue", "%FEED_PASSWORD%", StringComparison.Ordinal));
        using var docs = new TempFolder("sandboxbuild-it-docs-");
        docs.Write("guide/index.md", "# docs");
        Readable(source.Path);
        Readable(docs.Path);

        var report = await ValidateAsync(source, docs);

        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => $"{f.Code.Id} {f.Describe()}")));
        Assert.Contains(report.Findings, f => f.Code.Id == "SBX2118" && f.Status == CheckStatus.Pass);
    }

    [Fact]
    public async Task The_cli_refuses_a_policy_mounting_credentials_before_anything_starts()
    {
        using var source = new TempFolder();
        using var fixtures = new TempFolder("sandboxbuild-it-fixtures-");
        fixtures.Write("old-laptop/.ssh/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n");
        using var policyFolder = new TempFolder();
        var policy = policyFolder.Write("trusted.yml", $"mounts: [\"{fixtures.Path}:/workspace/fixtures\"]\n");

        var result = await Cli.RunAsync(["validate", "--static-only", "-C", source.Path, "--policy", policy]);

        Assert.Equal(121, result.ExitCode);
        Assert.Matches(@"(?m)^FAIL\s+SBX2050\s+policy", result.StdOut);
    }

    [Fact]
    public async Task A_run_in_a_checkout_holding_its_token_is_refused_and_nothing_runs()
    {
        using var source = new TempFolder();
        source.Write(".git/config", CheckoutToken);
        Readable(source.Path);

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/sh", "-c", "echo RAN-INSIDE"]);

        Assert.Equal(121, result.ExitCode);
        Assert.Contains("SBX2050", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("RAN-INSIDE", result.All, StringComparison.Ordinal);
    }

    private static void Readable(string folder)
    {
        foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        }
    }
}
