namespace SandboxBuild.Probing;

/// <summary>Credential files and secret-looking variables visible inside.</summary>
internal static class CredentialProbe
{
    // Relative to any home folder the sandbox can see.
    private static readonly string[] HomeCredentialPaths =
    [
        ".aws/credentials", ".aws/config", ".ssh/id_rsa", ".ssh/id_ed25519", ".ssh/id_ecdsa", ".ssh/authorized_keys",
        ".kube/config", ".azure/accessTokens.json", ".azure/msal_token_cache.json", ".docker/config.json",
        ".nuget/NuGet/NuGet.Config", ".config/NuGet/NuGet.Config", ".microsoft/usersecrets", ".git-credentials",
        ".config/gh/hosts.yml", ".npmrc", ".netrc", ".config/gcloud/credentials.db",
    ];

    public static void Run(ProbeRequest request, ProbeReport report)
    {
        var homes = new List<string> { "/root", Environment.GetEnvironmentVariable("HOME") ?? "" };
        if (Directory.Exists("/home"))
        {
            try
            {
                homes.AddRange(Directory.GetDirectories("/home"));
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        var candidates = homes.Where(h => h.Length > 0)
            .SelectMany(h => HomeCredentialPaths.Select(p => Path.Combine(h, p)))
            .Concat(request.CredentialPaths)
            .Append("/run/secrets")
            .Distinct(StringComparer.Ordinal);

        foreach (var path in candidates)
        {
            // Existence is enough: a credential file must not be in the sandbox at all, readable or not.
            if (LinuxStat.TryLstat(path, out _, out _))
            {
                report.CredentialFiles.Add(path);
            }
        }

        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            var value = (string?)variable.Value ?? "";
            if (SecretRules.IsSecretName(name) || SecretRules.MatchValue(value) is not null)
            {
                report.SecretEnvironment.Add(name);
            }
        }

        report.SecretEnvironment.Sort(StringComparer.Ordinal);
    }
}
