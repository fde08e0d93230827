using System.Text.RegularExpressions;

namespace SandboxBuild.Probing;

/// <summary>One kind of credential: an anchor a fast scan looks for first, and the pattern that confirms it.</summary>
public sealed record SecretRule(string Id, string Title, string Anchor, Regex Pattern, bool ConfigFilesOnly = false, bool AnchorIgnoresCase = false);

/// <summary>
/// The credential shapes SandboxBuild knows, shared by the artifact scanner (host side) and the probe's
/// environment check (inside), so both agree on what a secret looks like.
/// </summary>
public static partial class SecretRules
{
    public static IReadOnlyList<SecretRule> All { get; } =
    [
        new("aws-access-key", "AWS access key ID", "AKIA", AwsKey()),
        new("aws-access-key", "AWS access key ID", "ASIA", AwsKey()),
        new("aws-secret-key", "AWS secret access key", "aws_secret_access_key", AwsSecret(), AnchorIgnoresCase: true),
        new("github-token", "GitHub token", "ghp_", GitHubToken()),
        new("github-token", "GitHub token", "gho_", GitHubToken()),
        new("github-token", "GitHub token", "ghs_", GitHubToken()),
        new("github-token", "GitHub token", "ghu_", GitHubToken()),
        new("github-token", "GitHub token", "ghr_", GitHubToken()),
        new("github-pat", "GitHub fine-grained token", "github_pat_", GitHubPat()),
        new("private-key", "Private key block", "PRIVATE KEY-----", PrivateKey()),
        new("slack-token", "Slack token", "xox", SlackToken()),
        new("slack-webhook", "Slack webhook", "hooks.slack.com/services/", SlackWebhook()),
        new("stripe-live-key", "Stripe live key", "k_live_", StripeKey()),
        new("nuget-api-key", "NuGet API key", "oy2", NuGetKey()),
        new("azure-storage-key", "Azure storage account key", "AccountKey=", AzureStorageKey(), AnchorIgnoresCase: true),
        new("jwt", "JSON Web Token", "eyJ", Jwt()),
        new("password-assignment", "Password assignment", "password", PasswordAssignment(), ConfigFilesOnly: true, AnchorIgnoresCase: true),
        new("password-assignment", "Password assignment", "passwd", PasswordAssignment(), ConfigFilesOnly: true, AnchorIgnoresCase: true),
        new("password-assignment", "Password assignment", "pwd", PasswordAssignment(), ConfigFilesOnly: true, AnchorIgnoresCase: true),
    ];

    /// <summary>Variables that carry credentials by name, whatever their value.</summary>
    public static bool IsSecretName(string name) =>
        KnownSecretNames.Contains(name) || SecretNamePattern().IsMatch(name) || name.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("AZURE_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ACTIONS_", StringComparison.Ordinal);

    /// <summary>The first rule a whole value matches (config-only rules excluded), or null.</summary>
    public static SecretRule? MatchValue(string value) =>
        All.FirstOrDefault(r => !r.ConfigFilesOnly && value.Contains(r.Anchor, r.AnchorIgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) && r.Pattern.IsMatch(value));

    private static readonly HashSet<string> KnownSecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "GITHUB_TOKEN", "GH_TOKEN", "NUGET_API_KEY", "NPM_TOKEN", "SSH_AUTH_SOCK", "DOCKER_AUTH_CONFIG", "ARM_CLIENT_SECRET",
        "GOOGLE_APPLICATION_CREDENTIALS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "KUBECONFIG",
    };

    [GeneratedRegex(@"(?i)(TOKEN|SECRET|PASSW(OR)?D|^PWD$|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|CONN(ECTION)?_?STRING|_AUTH$|SAS_?KEY)")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex(@"(?<![A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"(?i)aws_secret_access_key[""']?\s*[:=]\s*[""']?[A-Za-z0-9/+=]{40}")]
    private static partial Regex AwsSecret();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"github_pat_[A-Za-z0-9_]{22,255}")]
    private static partial Regex GitHubPat();

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"xox[abposr]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+")]
    private static partial Regex SlackWebhook();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])[sr]k_live_[0-9a-zA-Z]{20,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9])oy2[a-z0-9]{43}(?![a-z0-9])")]
    private static partial Regex NuGetKey();

    [GeneratedRegex(@"(?i)AccountKey=[A-Za-z0-9+/]{86}==")]
    private static partial Regex AzureStorageKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();

    // A value after `password=` / `"password": "` that is not a placeholder, a variable or empty.
    [GeneratedRegex(@"(?i)(?<![A-Za-z])(password|passwd|pwd)[""']?\s*[:=]\s*[""']?(?![$%{<*]|null\b|true\b|false\b)[^\s""'<>;,{}]{4,}")]
    private static partial Regex PasswordAssignment();
}
