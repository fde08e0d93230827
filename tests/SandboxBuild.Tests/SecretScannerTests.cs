using System.Text;
using SandboxBuild.Artifacts;

namespace SandboxBuild.Tests;

public class SecretScannerTests
{
    private static List<SecretHit> Scan(string text, bool config = false, params string[] canaries)
    {
        var hits = new List<SecretHit>();
        new SecretScanner(canaries).Scan(Encoding.UTF8.GetBytes(text), 0, config, 1, hits);
        return hits;
    }

    [Theory]
    [InlineData("key = AKIAIOSFODNN7EXAMPLE", "aws-access-key")]
    [InlineData("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws-secret-key")]
    [InlineData("token: ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github-token")]
    [InlineData("token: gho_abcdefghijklmnopqrstuvwxyz0123456789", "github-token")]
    [InlineData("token: ghs_abcdefghijklmnopqrstuvwxyz0123456789", "github-token")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github-pat")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "private-key")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----", "private-key")]
    [InlineData("xoxb-1234567890-abcdefghij", "slack-token")]
    [InlineData("sk_live_abcdefghijklmnopqrstuvwx", "stripe-live-key")]
    [InlineData("oy2abcdefghijklmnopqrstuvwxyz0123456789abcdefg", "nuget-api-key")]
    [InlineData("AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;", "azure-storage-key")]
    [InlineData("Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "jwt")]
    [InlineData("-----BEGIN PGP PRIVATE KEY BLOCK-----", "private-key")]
    [InlineData("PuTTY-User-Key-File-3: ssh-ed25519", "private-key")]
    [InlineData("//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789", "npm-token")]
    [InlineData("extraheader = AUTHORIZATION: basic eC1hY2Nlc3MtdG9rZW46Z2hzX2FiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6MDEyMzQ1Njc4OQ==", "github-basic-auth")]
    public void Known_credential_shapes_are_found(string text, string rule)
    {
        Assert.Contains(Scan(text), h => h.Rule == rule);
    }

    [Theory]
    [InlineData("[remote \"origin\"]\n  url = https://builder:s3cr3tValue@git.example.com/repo.git")]
    [InlineData("<add key=\"feed\" value=\"https://feeduser:0123456789abcdef@pkgs.example.com/v3/index.json\" />")]
    public void A_password_in_a_url_is_found_in_config_files(string text)
    {
        Assert.Contains(Scan(text, config: true), h => h.Rule == "url-credentials");
    }

    [Theory]
    [InlineData("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"")]
    [InlineData("aws-secret-access-key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY</SecretAccessKey>")]
    public void An_AWS_secret_is_found_in_every_casing_and_separator(string text)
    {
        Assert.Contains(Scan(text), h => h.Rule == "aws-secret-key");
    }

    [Fact]
    public void An_azure_key_is_found_in_json_too()
    {
        Assert.Contains(Scan("\"accountKey\": \"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==\""), h => h.Rule == "azure-storage-key");
    }

    [Theory]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github-token")]
    [InlineData("ghs_abcdefghijklmnopqrstuvwxyz0123456789", "github-token")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "github-pat")]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "aws-access-key")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----", "private-key")]
    [InlineData("-----BEGIN PRIVATE KEY-----", "private-key")]
    public void A_reversed_token_is_found(string token, string rule)
    {
        var reversed = new string(token.Reverse().ToArray());

        Assert.Contains(Scan($"leak: {reversed} end"), h => h.Rule == rule);
    }

    // NuGet.Config as `dotnet nuget add source --store-password-in-clear-text` writes it.
    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSourceCredentials>
            <MyFeed>
              <add key="Username" value="builder" />
              <add key="ClearTextPassword" value="s3cr3tFeedValue" />
            </MyFeed>
          </packageSourceCredentials>
        </configuration>
        """;

    [Theory]
    [InlineData(NuGetConfig)]
    [InlineData("<add key='Password' value='s3cr3tFeedValue'/>")]
    [InlineData("<ClearTextPassword>s3cr3tFeedValue</ClearTextPassword>")]
    [InlineData("<connection password=\"s3cr3tFeedValue\" />")]
    [InlineData("{ \"ConnectionStrings\": { \"Db\": \"Server=db;User Id=sa;Pwd=s3cr3tFeedValue;\" } }")]
    [InlineData("{\"dbPassword\":\"s3cr3tFeedValue\"}")]
    [InlineData("database:\n  password: s3cr3tFeedValue\n")]
    [InlineData("export DB_PASSWORD='s3cr3tFeedValue'")]
    [InlineData("spring.datasource.password = s3cr3tFeedValue")]
    [InlineData("PASSWORD=s3cr3tFeedValue")]
    [InlineData("UID=sa;PWD=s3cr3tFeedValue;")]
    [InlineData("<publishProfile userName=\"$app\" userPWD=\"s3cr3tFeedValue\" />")]
    public void A_password_is_found_in_every_config_form(string text)
    {
        Assert.Contains(Scan(text, config: true), h => h.Rule == "password-assignment" && h.Masked.Length > 0);
    }

    [Fact]
    public void Two_passwords_close_together_are_both_found()
    {
        Assert.Equal(2, Scan("user=a; password=first123; other=b; passwd=second456", config: true).Count);
    }

    [Theory]
    [InlineData("<add key=\"ClearTextPassword\" value=\"%FEED_PASSWORD%\" />")]
    [InlineData("password: ${DB_PASSWORD}")]
    [InlineData("\"password\": \"{{ vault.db }}\"")]
    [InlineData("password: ********")]
    [InlineData("<Password></Password>")]
    [InlineData("password_min_length: 12")]
    [InlineData("requirePassword: true")]
    [InlineData("PWD=/home/runner/work/repo/repo\nOLDPWD=/home/runner/work\n")]
    [InlineData("see https://github.com/owner/repo and ssh://git@github.com/owner/repo and mongodb://localhost:27017/db")]
    public void Placeholders_paths_and_plain_urls_are_not_passwords(string text)
    {
        Assert.Empty(Scan(text, config: true));
    }

    [Fact]
    public void The_working_directory_variable_is_not_a_credential_name()
    {
        Assert.False(Probing.SecretRules.IsSecretName("PWD"));
        Assert.False(Probing.SecretRules.IsSecretName("OLDPWD"));
        Assert.True(Probing.SecretRules.IsSecretName("DB_PWD"));
        Assert.True(Probing.SecretRules.IsSecretName("NUGET_PAT"));
        Assert.True(Probing.SecretRules.IsSecretName("DEPLOY_KEY"));
        Assert.True(Probing.SecretRules.IsSecretName("DATABASE_URL"));
        Assert.False(Probing.SecretRules.IsSecretName("PATH"));
    }

    [Fact]
    public void A_path_or_flag_held_by_a_secret_named_variable_is_not_a_canary()
    {
        // A TRX names the working directory; SSH_AUTH_SOCK and friends hold paths. None of that is a leak.
        var hits = Scan("<TestRun><Output>/home/runner/work/repo/repo/tests true</Output></TestRun>", false,
            "/home/runner/work/repo/repo", "/tmp/ssh-XXXX/agent.42", "true", "12345678901");

        Assert.Empty(hits);
    }

    [Theory]
    [InlineData("ghs_runnerTokenValue0123456789")]
    [InlineData("a-token/with+odd=characters?")]
    public void A_canary_is_found_reversed(string token)
    {
        var reversed = new string(token.Reverse().ToArray());

        Assert.NotEmpty(Scan($"leak {reversed} end", false, token));
    }

    [Fact]
    public void A_long_canary_is_found_from_any_sizeable_part()
    {
        var key = string.Concat(Enumerable.Range(0, 80).Select(i => $"k{i:x2}Z"));

        Assert.NotEmpty(Scan($"partial leak: {key[100..228]}", false, key));
    }

    [Fact]
    public void Password_assignments_count_in_config_files_only()
    {
        Assert.Contains(Scan("Server=db;Password=Hunter2Secret;", config: true), h => h.Rule == "password-assignment");
        Assert.Empty(Scan("Server=db;Password=Hunter2Secret;", config: false));
        Assert.Empty(Scan("password: ${DB_PASSWORD}", config: true));
    }

    [Fact]
    public void The_secret_is_never_kept_in_full()
    {
        var hit = Assert.Single(Scan("key=AKIAIOSFODNN7EXAMPLE"));

        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", hit.Masked, StringComparison.Ordinal);
        Assert.StartsWith("AKIA", hit.Masked, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_are_counted()
    {
        Assert.Equal(3, Assert.Single(Scan("a\nb\nAKIAIOSFODNN7EXAMPLE\n")).Line);
    }

    [Fact]
    public void Ordinary_test_results_are_clean()
    {
        Assert.Empty(Scan("<TestRun id=\"1\"><Results><UnitTestResult testName=\"PriceCalculatorTests.Total\" outcome=\"Passed\" /></Results></TestRun>", config: true));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Canaries_are_found_raw_and_encoded_at_any_offset(int offset)
    {
        const string token = "runner-token-value-1234567890";
        var prefix = new string('x', offset);
        var raw = Encoding.UTF8.GetBytes(prefix + token + "yy");

        Assert.NotEmpty(Scan($"leak {token}", false, token));
        Assert.NotEmpty(Scan($"leak {Convert.ToBase64String(raw)}", false, token));
        Assert.NotEmpty(Scan($"leak {Convert.ToHexString(Encoding.UTF8.GetBytes(token))}", false, token));
        Assert.NotEmpty(Scan($"leak {Uri.EscapeDataString(token + "/+")}", false, token + "/+"));
    }

    [Fact]
    public void Binary_files_are_scanned_byte_for_byte()
    {
        var bytes = new byte[] { 0, 1, 2, 0xFF, 0xFE }.Concat(Encoding.ASCII.GetBytes("AKIAIOSFODNN7EXAMPLE")).Concat(new byte[] { 0, 0x80 }).ToArray();
        var hits = new List<SecretHit>();

        new SecretScanner([]).Scan(bytes, 0, false, 1, hits);

        Assert.Single(hits);
    }
}
