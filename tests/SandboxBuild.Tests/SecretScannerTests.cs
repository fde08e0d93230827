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
    public void Known_credential_shapes_are_found(string text, string rule)
    {
        Assert.Contains(Scan(text), h => h.Rule == rule);
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
