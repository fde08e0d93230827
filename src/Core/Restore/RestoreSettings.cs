using SandboxBuild.Engine;

namespace SandboxBuild.Restore;

/// <summary>
/// The trusted side's restore settings, from options (`--feed`, `--feed-credential`) and the invoker's
/// environment, never from the repository:
/// SANDBOXBUILD_FEEDS (`;`-separated URLs or folders; default nuget.org),
/// SANDBOXBUILD_FEED_CREDENTIALS (`HOST=ENVVAR;...`),
/// SANDBOXBUILD_RESTORE_CA (`;`-separated PEM files the restore sandbox trusts besides the host's bundle),
/// SANDBOXBUILD_PROXY_HOSTS_FILE and SANDBOXBUILD_PROXY_DNS (names and resolvers for the proxy alone: mirrors, tests).
/// </summary>
public sealed record RestoreSettings
{
    public IReadOnlyList<Feed> Feeds { get; init; } = TrustedFeeds.Default;

    public IReadOnlyList<FeedCredential> Credentials { get; init; } = [];

    public IReadOnlyList<string> ExtraCertificates { get; init; } = [];

    public string? ProxyHostsFile { get; init; }

    public IReadOnlyList<string> ProxyDnsServers { get; init; } = [];

    public static RestoreSettings Read(IReadOnlyList<string> feedOptions, IReadOnlyList<string> credentialOptions, Func<string, string?> environment, string baseDirectory)
    {
        var certificates = Split(environment("SANDBOXBUILD_RESTORE_CA")).Select(f => Path.GetFullPath(f, baseDirectory)).ToArray();
        foreach (var file in certificates.Where(f => !File.Exists(f)))
        {
            throw new Diagnostics.SandboxException(Diagnostics.Codes.FeedInvalid, $"The certificate file '{Diagnostics.SafeText.Escape(file)}' (SANDBOXBUILD_RESTORE_CA) does not exist.");
        }

        return new RestoreSettings
        {
            Feeds = TrustedFeeds.Resolve(feedOptions, environment, baseDirectory),
            Credentials = TrustedFeeds.ResolveCredentials(credentialOptions, environment),
            ExtraCertificates = certificates,
            ProxyHostsFile = environment("SANDBOXBUILD_PROXY_HOSTS_FILE") is { Length: > 0 } hosts ? Path.GetFullPath(hosts, baseDirectory) : null,
            ProxyDnsServers = Split(environment("SANDBOXBUILD_PROXY_DNS")),
        };
    }

    /// <summary>The plan for one restore with these settings.</summary>
    public RestorePlan Plan(string source, string stateFolder, string workingDirectory, string? target, IReadOnlyList<string> arguments, IHostPaths hostPaths, string agent, IReadOnlyList<string> canaries) => new()
    {
        SourceDirectory = source,
        StateFolder = stateFolder,
        WorkingDirectory = workingDirectory,
        Target = target,
        Arguments = arguments,
        Feeds = Feeds,
        Credentials = Credentials,
        ExtraCertificates = ExtraCertificates,
        ProxyHostsFile = ProxyHostsFile,
        ProxyDnsServers = ProxyDnsServers,
        HostPaths = hostPaths,
        Agent = agent,
        Canaries = canaries,
    };

    private static IReadOnlyList<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
