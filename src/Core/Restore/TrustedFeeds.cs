using SandboxBuild.Engine;
using System.Net;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Restore;

public enum FeedKind
{
    Https,
    Http,
    Folder,
}

/// <summary>
/// A package feed the trusted side allows: a URL (whose host and port the proxy lets through) or a local
/// folder (mounted read-only into the restore sandbox). Never read from the repository.
/// </summary>
public sealed record Feed(string Name, FeedKind Kind, string Location, string Host = "", int Port = 0)
{
    public bool IsRemote => Kind != FeedKind.Folder;

    public override string ToString() => Location;
}

/// <summary>A credential for one feed host, given by the trusted side; it reaches only the restore sandbox's NuGet config.</summary>
public sealed record FeedCredential(string Host, string UserName, string Password)
{
    public override string ToString() => $"{Host}=***";
}

/// <summary>
/// The feeds a restore may use, from the trusted side only: `--feed` options, else SANDBOXBUILD_FEEDS
/// (`;`-separated), else nuget.org. A repository's NuGet.config can name any source it likes; the trusted
/// NuGet config replaces its sources (`&lt;clear/&gt;`) and the proxy refuses every other host.
/// </summary>
public static class TrustedFeeds
{
    public const string NuGetOrg = "https://api.nuget.org/v3/index.json";
    public const string FeedsVariable = "SANDBOXBUILD_FEEDS";
    public const string CredentialsVariable = "SANDBOXBUILD_FEED_CREDENTIALS";

    public static IReadOnlyList<Feed> Default { get; } = [Parse(NuGetOrg, 0, "/")];

    public static IReadOnlyList<Feed> Resolve(IReadOnlyList<string> options, Func<string, string?> environment, string baseDirectory)
    {
        var given = options.Count > 0 ? options : Split(environment(FeedsVariable));
        return given.Count == 0 ? Default : given.Select((value, i) => Parse(value, i, baseDirectory)).ToArray();
    }

    /// <summary>`HOST=ENVVAR` pairs (options, else SANDBOXBUILD_FEED_CREDENTIALS); ENVVAR holds `user:secret` or a token.</summary>
    public static IReadOnlyList<FeedCredential> ResolveCredentials(IReadOnlyList<string> options, Func<string, string?> environment) =>
        (options.Count > 0 ? options : Split(environment(CredentialsVariable))).Select(o => ParseCredential(o, environment)).ToArray();

    public static Feed Parse(string value, int index, string baseDirectory)
    {
        var name = $"trusted-{index}";
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            if (uri.HostNameType is not UriHostNameType.Dns || IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
            {
                throw new SandboxException(Codes.FeedInvalid, $"The feed '{SafeText.Escape(value)}' names an IP address; expected a host name the proxy can match.");
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new SandboxException(Codes.FeedInvalid, $"The feed URL for {uri.Host} carries credentials; expected them through `--feed-credential {uri.Host}=ENVVAR`.");
            }

            return new Feed(name, uri.Scheme == "https" ? FeedKind.Https : FeedKind.Http, uri.AbsoluteUri, uri.IdnHost.ToLowerInvariant(), uri.Port);
        }

        if (value.Contains("://", StringComparison.Ordinal))
        {
            throw new SandboxException(Codes.FeedInvalid, $"The feed '{SafeText.Escape(value)}' is neither https://, http:// nor a folder.");
        }

        var folder = Path.GetFullPath(value, baseDirectory);
        if (!Directory.Exists(folder))
        {
            throw new SandboxException(Codes.FeedInvalid, $"The feed folder '{SafeText.Escape(folder)}' does not exist.");
        }

        return new Feed(name, FeedKind.Folder, folder);
    }

    public static FeedCredential ParseCredential(string spec, Func<string, string?> environment)
    {
        var parts = spec.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw new SandboxException(Codes.FeedInvalid, $"The feed credential '{SafeText.Escape(spec)}' is not HOST=ENVVAR.");
        }

        var value = environment(parts[1]);
        if (string.IsNullOrEmpty(value))
        {
            throw new SandboxException(Codes.FeedInvalid, $"The feed credential for {SafeText.Escape(parts[0])} names ${SafeText.Escape(parts[1])}, which is not set.");
        }

        var userAndSecret = value.Split(':', 2);
        return userAndSecret.Length == 2 && userAndSecret[0].Length > 0
            ? new FeedCredential(parts[0].ToLowerInvariant(), userAndSecret[0], userAndSecret[1])
            : new FeedCredential(parts[0].ToLowerInvariant(), "sandboxbuild", value);
    }

    private static IReadOnlyList<string> Split(string? value) =>
        (value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
