using System.Text.RegularExpressions;

namespace SandboxBuild.Probing;

/// <summary>
/// One kind of credential: an anchor a fast scan looks for first, and the pattern that confirms it. The
/// pattern starts at the anchor (<c>\G</c>); a credential whose text begins before its anchor (a key name, a
/// reversed token's body) also has a <paramref name="Prefix"/>, a right-to-left pattern that must end exactly
/// at the anchor. So confirming an anchor is two bounded, anchored matches, never a search through a window.
/// </summary>
public sealed record SecretRule(
    string Id, string Title, string Anchor, Regex Pattern, Regex? Prefix = null, bool ConfigFilesOnly = false, bool AnchorIgnoresCase = false,
    SecretRule.Precheck? Quick = null)
{
    /// <summary>A cheap test of the text from the anchor on, for anchors too common to run a pattern at each.</summary>
    public delegate bool Precheck(ReadOnlySpan<char> fromAnchor);

    /// <summary>How far after the anchor a match may end; a chunked scan keeps this much room after an anchor.</summary>
    public const int MaxAfter = 512;

    /// <summary>How far before the anchor a prefix may begin; a chunked scan keeps this much history before an anchor.</summary>
    public const int MaxBefore = 320;

    /// <summary>The match that begins with (or ends its prefix at) the anchor at <paramref name="at"/>, if the patterns confirm one.</summary>
    public bool TryMatchAt(ReadOnlySpan<char> text, int at, out int index, out int length)
    {
        (index, length) = (0, 0);
        if (Quick is not null && !Quick(text[at..Math.Min(text.Length, at + MaxAfter)]))
        {
            return false;
        }

        var end = -1;
        foreach (var match in Pattern.EnumerateMatches(text[..Math.Min(text.Length, at + MaxAfter)], at))
        {
            end = match.Index == at ? at + match.Length : -1;
            break;
        }

        if (end < 0)
        {
            return false;
        }

        var start = at;
        if (Prefix is not null)
        {
            var from = Math.Max(0, at - MaxBefore);
            var before = text[from..at];
            start = -1;
            foreach (var match in Prefix.EnumerateMatches(before, before.Length))
            {
                start = match.Index + match.Length == before.Length ? from + match.Index : -1;
                break;
            }

            if (start < 0)
            {
                return false;
            }
        }

        (index, length) = (start, end - start);
        return true;
    }
}

/// <summary>
/// The credential shapes SandboxBuild knows, shared by the artifact scanner (host side), the probe's
/// environment check (inside) and the credential search of mounts, so all agree on what a secret looks like.
/// Each shape is written in the forms it is really found in: any casing where the format allows it, key=value,
/// `key: value`, JSON, XML attributes and elements, `&lt;add key="..Password" value=".."/&gt;`, .env, URL userinfo;
/// GitHub tokens, AWS key IDs and private key blocks also reversed, the "obfuscation" a careless leak uses most.
/// Every anchor costs the vectorised search a little on every byte, so shapes are added where they are met.
/// </summary>
public static partial class SecretRules
{
    public static IReadOnlyList<SecretRule> All { get; } =
    [
        new("aws-access-key", "AWS access key ID", "AKIA", AwsKey()),
        new("aws-access-key", "AWS access key ID", "ASIA", AwsKey()),
        new("aws-access-key", "AWS access key ID (reversed)", "AIKA", AwsKeyReversed(), AwsKeyReversedBody()),
        new("aws-access-key", "AWS access key ID (reversed)", "AISA", AwsKeyReversed(), AwsKeyReversedBody()),
        new("aws-secret-key", "AWS secret access key", "secret_access_key", AwsSecret(), AnchorIgnoresCase: true),
        new("aws-secret-key", "AWS secret access key", "secret-access-key", AwsSecret(), AnchorIgnoresCase: true),
        new("aws-secret-key", "AWS secret access key", "secretaccesskey", AwsSecret(), AnchorIgnoresCase: true),
        new("github-token", "GitHub token", "ghp_", GitHubToken()),
        new("github-token", "GitHub token", "gho_", GitHubToken()),
        new("github-token", "GitHub token", "ghs_", GitHubToken()),
        new("github-token", "GitHub token", "ghu_", GitHubToken()),
        new("github-token", "GitHub token", "ghr_", GitHubToken()),
        new("github-token", "GitHub token (reversed)", "_phg", GitHubTokenReversed(), GitHubTokenReversedBody()),
        new("github-token", "GitHub token (reversed)", "_ohg", GitHubTokenReversed(), GitHubTokenReversedBody()),
        new("github-token", "GitHub token (reversed)", "_shg", GitHubTokenReversed(), GitHubTokenReversedBody()),
        new("github-token", "GitHub token (reversed)", "_uhg", GitHubTokenReversed(), GitHubTokenReversedBody()),
        new("github-token", "GitHub token (reversed)", "_rhg", GitHubTokenReversed(), GitHubTokenReversedBody()),
        new("github-pat", "GitHub fine-grained token", "github_pat_", GitHubPat()),
        new("github-pat", "GitHub fine-grained token (reversed)", "_tap_buhtig", GitHubPatReversed(), GitHubPatReversedBody()),
        // actions/checkout's persisted credential: `AUTHORIZATION: basic base64("x-access-token:<token>")`.
        new("github-basic-auth", "GitHub token in a basic-auth header", "eC1hY2Nlc3MtdG9rZW46", GitHubBasicAuth()),
        new("private-key", "Private key block", "PRIVATE KEY", PrivateKey(), PrivateKeyBegin()),
        new("private-key", "Private key block (reversed)", "-----YEK ETAVIRP", PrivateKeyReversed()),
        new("private-key", "PuTTY private key", "PuTTY-User-Key-File-", PuttyKey()),
        new("slack-token", "Slack token", "xox", SlackToken()),
        new("slack-webhook", "Slack webhook", "hooks.slack.com/services/", SlackWebhook()),
        new("stripe-live-key", "Stripe live key", "k_live_", StripeKey(), StripeKeyKind()),
        new("nuget-api-key", "NuGet API key", "oy2", NuGetKey()),
        new("npm-token", "npm token", "npm_", NpmToken()),
        new("azure-storage-key", "Azure storage account key", "accountkey", AzureStorageKey(), AnchorIgnoresCase: true),
        new("jwt", "JSON Web Token", "eyJ", Jwt()),
        // Config files only: "://" is in nearly every report, and a host's own credentials are watched as canaries anyway.
        new("url-credentials", "Password in a URL", "://", UrlCredentials(), UrlScheme(), ConfigFilesOnly: true, Quick: HasUserInfo),
        .. PasswordRules("password"),
        .. PasswordRules("passwd"),
        .. PasswordRules("pwd"),
    ];

    // A password given a value, in every form config files use: key=value, key: value, "key": "value", key="value"
    // (any prefix: ClearText, db, DB_, db.), <add key="ClearTextPassword" value="x"/>, <Password>x</Password>.
    private static SecretRule[] PasswordRules(string anchor) =>
    [
        new("password-assignment", "Password assignment", anchor, PasswordAssignment(), ConfigFilesOnly: true, AnchorIgnoresCase: true),
        new("password-assignment", "Password assignment", anchor, PasswordKeyValue(), PasswordKeyAttribute(), ConfigFilesOnly: true, AnchorIgnoresCase: true),
        new("password-assignment", "Password assignment", anchor, PasswordElement(), PasswordElementStart(), ConfigFilesOnly: true, AnchorIgnoresCase: true),
    ];

    /// <summary>Variables that carry credentials by name, whatever their value.</summary>
    public static bool IsSecretName(string name) =>
        !ShellVariables.Contains(name)
        && (KnownSecretNames.Contains(name) || SecretNamePattern().IsMatch(name) || name.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("AZURE_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("ACTIONS_", StringComparison.Ordinal));

    /// <summary>The first rule a whole value matches (config-only rules excluded), or null.</summary>
    public static SecretRule? MatchValue(string value) => FindIn(value, configFile: false);

    private static readonly System.Buffers.SearchValues<char> UrlAuthorityEnd = System.Buffers.SearchValues.Create("/@?# \t\r\n\"'<>");

    // "://" is in nearly every URL; only one whose authority holds `user:password@` is worth the pattern.
    private static bool HasUserInfo(ReadOnlySpan<char> fromAnchor)
    {
        var authority = fromAnchor[3..];
        var end = authority.IndexOfAny(UrlAuthorityEnd);
        return end > 0 && authority[end] == '@' && authority[..end].Contains(':');
    }

    /// <summary>The first rule that matches anywhere in a small text (a config file of a few kilobytes), or null.</summary>
    public static SecretRule? FindIn(string text, bool configFile)
    {
        foreach (var rule in All)
        {
            if (rule.ConfigFilesOnly && !configFile)
            {
                continue;
            }

            var comparison = rule.AnchorIgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            for (var at = text.IndexOf(rule.Anchor, comparison); at >= 0; at = text.IndexOf(rule.Anchor, at + 1, comparison))
            {
                if (rule.TryMatchAt(text, at, out _, out _))
                {
                    return rule;
                }
            }
        }

        return null;
    }

    // The shell's own working-directory variables: `PWD=/home/runner/work` is a path, not a password.
    private static readonly HashSet<string> ShellVariables = new(StringComparer.OrdinalIgnoreCase) { "PWD", "OLDPWD" };

    private static readonly HashSet<string> KnownSecretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "GITHUB_TOKEN", "GH_TOKEN", "NUGET_API_KEY", "NPM_TOKEN", "SSH_AUTH_SOCK", "DOCKER_AUTH_CONFIG", "ARM_CLIENT_SECRET",
        "GOOGLE_APPLICATION_CREDENTIALS", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "KUBECONFIG", "DATABASE_URL",
    };

    [GeneratedRegex(@"(?i)(TOKEN|SECRET|PASSW(OR)?D|(^|_)PWD($|_)|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|CONN(ECTION)?_?STRING|_AUTH$|SAS_?KEY|_KEY$|(^|_)PAT$|_DSN$)")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex(@"\G(?<![A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])")]
    private static partial Regex AwsKey();

    [GeneratedRegex(@"\G(AIKA|AISA)(?![A-Z0-9])")]
    private static partial Regex AwsKeyReversed();

    [GeneratedRegex(@"[0-9A-Z]{16}\G", RegexOptions.RightToLeft)]
    private static partial Regex AwsKeyReversedBody();

    // aws_secret_access_key = x, "SecretAccessKey": "x", <SecretAccessKey>x</SecretAccessKey>, AWS-SECRET-ACCESS-KEY: x
    [GeneratedRegex(@"\G(?i:secret[_-]?access[_-]?key)[""']?[ \t]*(?:[:=]|>)[ \t]*[""']?[A-Za-z0-9/+=]{40}")]
    private static partial Regex AwsSecret();

    [GeneratedRegex(@"\G(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\G_[pousr]hg(?![A-Za-z0-9_])")]
    private static partial Regex GitHubTokenReversed();

    [GeneratedRegex(@"[A-Za-z0-9]{36,255}\G", RegexOptions.RightToLeft)]
    private static partial Regex GitHubTokenReversedBody();

    [GeneratedRegex(@"\Ggithub_pat_[A-Za-z0-9_]{22,255}")]
    private static partial Regex GitHubPat();

    [GeneratedRegex(@"\G_tap_buhtig")]
    private static partial Regex GitHubPatReversed();

    [GeneratedRegex(@"[A-Za-z0-9_]{22,255}\G", RegexOptions.RightToLeft)]
    private static partial Regex GitHubPatReversedBody();

    [GeneratedRegex(@"\GeC1hY2Nlc3MtdG9rZW46[A-Za-z0-9+/=]{8,}")]
    private static partial Regex GitHubBasicAuth();

    [GeneratedRegex(@"\GPRIVATE KEY( BLOCK)?-----")]
    private static partial Regex PrivateKey();

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]{0,40}\G", RegexOptions.RightToLeft)]
    private static partial Regex PrivateKeyBegin();

    [GeneratedRegex(@"\G-----YEK ETAVIRP[A-Z0-9 ]{0,40} NIGEB-----")]
    private static partial Regex PrivateKeyReversed();

    [GeneratedRegex(@"\GPuTTY-User-Key-File-[0-9]+: ")]
    private static partial Regex PuttyKey();

    [GeneratedRegex(@"\Gxox[abposr]-[A-Za-z0-9-]{10,}")]
    private static partial Regex SlackToken();

    [GeneratedRegex(@"\Ghooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+")]
    private static partial Regex SlackWebhook();

    [GeneratedRegex(@"\Gk_live_[0-9a-zA-Z]{20,}")]
    private static partial Regex StripeKey();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])[sr]\G", RegexOptions.RightToLeft)]
    private static partial Regex StripeKeyKind();

    [GeneratedRegex(@"\G(?<![A-Za-z0-9])oy2[a-z0-9]{43}(?![a-z0-9])")]
    private static partial Regex NuGetKey();

    [GeneratedRegex(@"\G(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])")]
    private static partial Regex NpmToken();

    // AccountKey=x in a connection string, "accountKey": "x" in JSON.
    [GeneratedRegex(@"\G(?i:accountkey)[""']?[ \t]*[:=][ \t]*[""']?[A-Za-z0-9+/]{86}==")]
    private static partial Regex AzureStorageKey();

    [GeneratedRegex(@"\G(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();

    // ://user:password@host, where the password is not a placeholder (${X}, %X%, <x>, ***).
    [GeneratedRegex(@"\G://[^\s/:@""'<>]{1,128}:(?![$%{<*\[#])[^\s/@""'<>]{3,256}@[A-Za-z0-9\[]")]
    private static partial Regex UrlCredentials();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.-]{0,30}\G", RegexOptions.RightToLeft)]
    private static partial Regex UrlScheme();

    // The value is not a placeholder, variable, path or literal: $X, %X%, {{x}}, <x>, ***, [x], #{x}, /path, ~/path, null, true.
    private const string NotPlaceholder = @"(?![$%{<*/~\[#]|(?:null|true|false|none)\b)";

    [GeneratedRegex(@"\G(?i:password|passwd|pwd)[""']?[ \t]*[:=][ \t]*[""']?" + NotPlaceholder + @"[^\s""'<>;,{}]{4,}", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordAssignment();

    [GeneratedRegex(@"\G(?:password|passwd|pwd)[""'][ \t]+value[ \t]*=[ \t]*[""']" + NotPlaceholder + @"[^""'<>\r\n]{4,}", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordKeyValue();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])key[ \t]*=[ \t]*[""'][A-Za-z0-9_.-]{0,40}\G", RegexOptions.IgnoreCase | RegexOptions.RightToLeft)]
    private static partial Regex PasswordKeyAttribute();

    [GeneratedRegex(@"\G(?:password|passwd|pwd)>[ \t]*" + NotPlaceholder + @"[^<\r\n]{4,}", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordElement();

    [GeneratedRegex(@"<[A-Za-z0-9_.:-]{0,40}\G", RegexOptions.RightToLeft)]
    private static partial Regex PasswordElementStart();
}
