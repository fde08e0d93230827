using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Probing;
using SandboxBuild.Validation;
using SandboxBuild.Validation.Credentials;

namespace SandboxBuild.Tests;

/// <summary>Credential material in a mounted host folder is found by name and content, wherever the folder is.</summary>
public class CredentialSearchTests
{
    private const string NuGetWithPassword = """
        <configuration><packageSourceCredentials><feed>
          <add key="Username" value="ci" /><add key="ClearTextPassword" value="s3cr3tFeedValue" />
        </feed></packageSourceCredentials></configuration>
        """;

    private static MountSearch Search(TempFolder folder, bool isSource = false) =>
        MountCredentialSearch.Search(new MountFact("bind", folder.Path, "/workspace/fixtures", true, "rprivate"), isSource);

    [Theory]
    [InlineData(".aws/credentials", "[default]\naws_access_key_id = x\n", "AWS credentials folder")]
    [InlineData("backup/.ssh/known_hosts", "host", "SSH keys folder")]
    [InlineData("deep/a/b/.kube/config", "apiVersion: v1", "Kubernetes credentials folder")]
    [InlineData("etc/.config/gh/hosts.yml", "oauth_token: x", "GitHub CLI credentials")]
    [InlineData("u/.nuget/NuGet/NuGet.Config", "<configuration/>", "NuGet user configuration (feed credentials)")]
    [InlineData(".git-credentials", "https://u:p@github.com", "git credential store")]
    [InlineData("keys/id_ed25519", "x", "SSH private key")]
    [InlineData("u/.docker/config.json", "{}", "container registry credentials")]
    [InlineData("u/.gnupg/pubring.kbx", "x", "GnuPG keys folder")]
    public void Credential_folders_and_files_are_found_by_name_anywhere(string file, string content, string why)
    {
        using var folder = new TempFolder();
        folder.Write(file, content);

        var search = Search(folder);

        Assert.True(search.Complete);
        Assert.Contains(search.Hits, h => h.Why == why);
    }

    [Theory]
    [InlineData("NuGet.Config", NuGetWithPassword)]
    [InlineData("src/nuget.config", NuGetWithPassword)]
    [InlineData(".git/config", "[http \"https://github.com/\"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX2FiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OQ==\n")]
    [InlineData(".git/config", "[remote \"origin\"]\n\turl = https://ci:ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r.git\n")]
    [InlineData(".npmrc", "//registry.example.com/:_authToken=0123456789abcdef\n")]
    [InlineData("gcp/key.json", "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\", \"client_email\": \"x@y\"}")]
    [InlineData("certs/server.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n")]
    public void Credential_files_are_found_by_content(string file, string content)
    {
        using var folder = new TempFolder();
        folder.Write(file, content);

        Assert.NotEmpty(Search(folder).Hits);
    }

    [Fact]
    public void A_repository_without_credentials_is_clean()
    {
        using var folder = new TempFolder();
        folder.Write("NuGet.Config", "<configuration><packageSourceCredentials><feed><add key=\"ClearTextPassword\" value=\"%FEED_PASSWORD%\" /></feed></packageSourceCredentials></configuration>");
        folder.Write(".git/config", "[remote \"origin\"]\n\turl = https://github.com/o/r.git\n");
        folder.Write(".docker/Dockerfile", "FROM scratch");
        folder.Write("tests/fixtures/test-cert.pem", "-----BEGIN PRIVATE KEY-----\nMIIE\n");
        folder.Write("src/appsettings.json", "{\"Logging\": {}}");
        folder.Write("web/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n");

        var search = Search(folder, isSource: true);

        Assert.True(search.Complete);
        Assert.Empty(search.Hits);
    }

    [Fact]
    public void A_mounted_folder_named_like_a_credential_folder_is_one()
    {
        using var parent = new TempFolder();
        var aws = Path.Combine(parent.Path, ".aws");
        Directory.CreateDirectory(aws);

        var search = MountCredentialSearch.Search(new MountFact("bind", aws, "/x", true, "rprivate"), isSource: false);

        Assert.Equal(".", Assert.Single(search.Hits).RelativePath);
    }

    [Fact]
    public void A_link_out_of_the_folder_is_not_followed()
    {
        using var outside = new TempFolder();
        outside.Write(".aws/credentials", "x");
        using var folder = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(folder.Path, "elsewhere"), outside.Path);

        Assert.Empty(Search(folder).Hits);
    }

    [Fact]
    public void A_folder_too_deep_to_search_fails_closed()
    {
        using var folder = new TempFolder();
        folder.Write(string.Join('/', Enumerable.Repeat("d", MountCredentialSearch.MaxDepth + 2)) + "/file", "x");

        var search = Search(folder);

        Assert.False(search.Complete);
        var findings = CredentialChecks.Judge([search], FactSource.Policy, _ => null).ToList();
        Assert.Contains(findings, f => f.Code == Codes.CredentialSearchIncomplete && f.FailsGate);
    }

    [Fact]
    public void The_judge_fails_material_and_passes_a_clean_search()
    {
        using var dirty = new TempFolder();
        dirty.Write(".aws/credentials", "x");
        using var clean = new TempFolder();
        clean.Write("README.md", "hello");

        var failed = CredentialChecks.Judge([Search(dirty)], FactSource.Policy, _ => null).ToList();
        var passed = CredentialChecks.Judge([Search(clean)], FactSource.Policy, _ => null).ToList();

        Assert.Contains(failed, f => f.Code == Codes.CredentialMaterialInMount && f.FailsGate);
        Assert.All(passed, f => Assert.False(f.FailsGate));
        Assert.Contains(passed, f => f.Code == Codes.CredentialMaterialInMount);
    }

    [Fact]
    public void The_static_gate_searches_the_source_and_every_extra_mount()
    {
        using var source = new TempFolder();
        source.Write("Program.cs", "// code");
        using var fixtures = new TempFolder();
        fixtures.Write("backup/.aws/credentials", "[default]");
        var policy = Policy.SandboxPolicy.Default with { Mounts = [new Policy.MountSpec(fixtures.Path, "/workspace/fixtures", true)] };

        var report = Gate.JudgeStatic(policy, source.Path, HostContext.Current(source.Path));

        var failure = Assert.Single(report.Failures, f => f.Code == Codes.CredentialMaterialInMount);
        Assert.Contains("backup/.aws", failure.Seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".aws", true, "AWS credentials folder")]
    [InlineData("x/.config/gcloud", true, "Google Cloud credentials")]
    [InlineData(".docker", true, null)]
    [InlineData("x/.docker/config.json", false, "container registry credentials")]
    [InlineData("credentials", false, null)]
    [InlineData("x/.aws/credentials", false, "AWS credentials")]
    public void Names_are_judged_with_their_parent(string path, bool directory, string? why)
    {
        Assert.Equal(why, CredentialMaterial.ByName(path, directory));
    }
}
