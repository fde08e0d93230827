namespace SandboxBuild.Probing;

/// <summary>
/// Recognises credential material by where it sits and what it holds, wherever a folder came from: a mount of
/// `/srv/backup` holding `.aws/credentials` is as bad as a home folder. Shared by the host-side search of mount
/// sources (before a container exists) and the probe's walk of the mounts it sees (inside), so both agree.
/// Names alone decide for the folders and files that exist only to hold credentials; content decides for
/// files that may or may not hold one (NuGet.Config, .npmrc, .git/config, cloud key JSON, key files).
/// </summary>
public static class CredentialMaterial
{
    /// <summary>How much of a file the content check reads: credential files are small.</summary>
    public const int ContentLimit = 64 * 1024;

    // Folders that exist to hold credentials, by name wherever they are.
    private static readonly Dictionary<string, string> Folders = new(StringComparer.Ordinal)
    {
        [".aws"] = "AWS credentials folder",
        [".ssh"] = "SSH keys folder",
        [".kube"] = "Kubernetes credentials folder",
        [".azure"] = "Azure CLI credentials folder",
        [".gnupg"] = "GnuPG keys folder",
        [".password-store"] = "password store",
    };

    // Folders that hold credentials when they sit under a given parent (`.config/gh`, `.nuget/NuGet`).
    private static readonly Dictionary<(string Parent, string Name), string> NestedFolders = new()
    {
        [(".config", "gh")] = "GitHub CLI credentials",
        [(".config", "gcloud")] = "Google Cloud credentials",
        [(".config", "NuGet")] = "NuGet user configuration (feed credentials)",
        [(".nuget", "NuGet")] = "NuGet user configuration (feed credentials)",
        [(".microsoft", "usersecrets")] = ".NET user secrets",
    };

    // Files that hold credentials when they sit in a given folder (`.docker/config.json`; a repository's `.docker/`
    // of Dockerfiles is not one).
    private static readonly Dictionary<(string Parent, string Name), string> NestedFiles = new()
    {
        [(".docker", "config.json")] = "container registry credentials",
        [(".kube", "config")] = "Kubernetes credentials",
        [(".aws", "credentials")] = "AWS credentials",
    };

    // Files that exist to hold credentials, by name.
    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        [".git-credentials"] = "git credential store",
        [".netrc"] = "netrc credentials",
        ["_netrc"] = "netrc credentials",
        [".pgpass"] = "PostgreSQL passwords",
        [".dockercfg"] = "container registry credentials",
        ["id_rsa"] = "SSH private key",
        ["id_dsa"] = "SSH private key",
        ["id_ecdsa"] = "SSH private key",
        ["id_ed25519"] = "SSH private key",
        ["id_ecdsa_sk"] = "SSH private key",
        ["id_ed25519_sk"] = "SSH private key",
        ["application_default_credentials.json"] = "Google Cloud credentials",
        ["accessTokens.json"] = "Azure CLI tokens",
        ["msal_token_cache.json"] = "Azure CLI tokens",
    };

    private static readonly string[] NpmAuthKeys = ["_authToken", "_auth", "_password", "npmAuthToken", "npmAuthIdent"];

    // A registry credential with a value, not `${NPM_TOKEN}` (the usual, harmless, committed form).
    private static bool NpmAuthValue(string text) =>
        text.Split('\n').Select(l => l.Trim()).Any(line =>
        {
            var key = NpmAuthKeys.FirstOrDefault(k => line.Contains(k + "=", StringComparison.Ordinal) || line.Contains(k + ":", StringComparison.Ordinal));
            if (key is null)
            {
                return false;
            }

            var value = line[(line.IndexOf(key, StringComparison.Ordinal) + key.Length + 1)..].Trim().Trim('"', '\'');
            return value.Length > 0 && !value.StartsWith('$');
        });

    private static readonly string[] KeyExtensions = [".pem", ".key", ".ppk", ".p8", ".asc"];

    /// <summary>
    /// Why the entry at <paramref name="relativePath"/> (`/`-separated, inside a mount; the mount's own folder name
    /// first when the mount root itself is judged) is credential material by its name alone, or null.
    /// </summary>
    public static string? ByName(string relativePath, bool isDirectory)
    {
        var parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var name = parts[^1];
        var parent = parts.Length > 1 ? parts[^2] : "";
        if (isDirectory)
        {
            return Folders.TryGetValue(name, out var why) || NestedFolders.TryGetValue((parent, name), out why) ? why : null;
        }

        return Files.TryGetValue(name, out var file) || NestedFiles.TryGetValue((parent, name), out file) ? file : null;
    }

    /// <summary>Whether <see cref="ByContent"/> wants to read this file.</summary>
    public static bool WantsContent(string relativePath, bool inSource)
    {
        var name = Path.GetFileName(relativePath);
        return name.Equals("nuget.config", StringComparison.OrdinalIgnoreCase) || name is ".npmrc" or ".pypirc" or ".yarnrc.yml"
            || relativePath == ".git/config" || relativePath.EndsWith("/.git/config", StringComparison.Ordinal)
            || (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !inSource)
            // Test fixtures in a repository often carry throwaway keys; anywhere else a key file is a key.
            || (!inSource && KeyExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Why the file's content (its first <see cref="ContentLimit"/> bytes, as text) is a credential, or null.</summary>
    public static string? ByContent(string relativePath, string text)
    {
        var name = Path.GetFileName(relativePath);
        if (name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (text.Contains("\"private_key\"", StringComparison.Ordinal) && text.Contains("\"client_email\"", StringComparison.Ordinal))
            {
                return "cloud service account key";
            }

            if (text.Contains("\"refresh_token\"", StringComparison.Ordinal) && text.Contains("\"client_secret\"", StringComparison.Ordinal))
            {
                return "cloud OAuth refresh token";
            }

            if (text.Contains("\"auths\"", StringComparison.Ordinal) && (text.Contains("\"auth\"", StringComparison.Ordinal) || text.Contains("\"identitytoken\"", StringComparison.Ordinal)))
            {
                return "container registry credentials";
            }
        }

        if (name is ".npmrc" or ".yarnrc.yml" && NpmAuthValue(text))
        {
            return "npm registry token";
        }

        // NuGet.Config's <add key="ClearTextPassword" value=".."/> (not `%NUGET_PASSWORD%`), tokens in .git/config's
        // extraheader or remote URL, keys in a key file: the artifact scan's own rules.
        return SecretRules.FindIn(text, configFile: true) is { } rule ? rule.Title : null;
    }
}
