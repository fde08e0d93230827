using System.Net;
using SandboxBuild.Engine;
using SandboxBuild.Validation;

namespace SandboxBuild.Restore;

/// <summary>What the trusted side asks the restore stage to do. Nothing here is read from the repository.</summary>
public sealed record RestorePlan
{
    /// <summary>The source folder, mounted read-only into the restore sandbox.</summary>
    public required string SourceDirectory { get; init; }

    /// <summary>Where SandboxBuild keeps this repository's state (Runs/StatePaths): restores are kept under it.</summary>
    public required string StateFolder { get; init; }

    /// <summary>The folder inside the source restore runs in (relative), as the build command will.</summary>
    public string WorkingDirectory { get; init; } = ".";

    /// <summary>The project or solution to restore (as given to the build command), or null for the folder's own.</summary>
    public string? Target { get; init; }

    /// <summary>Arguments the build must restore with too (`-r`, `-p:`), from the trusted command line.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    public IReadOnlyList<Feed> Feeds { get; init; } = TrustedFeeds.Default;

    public IReadOnlyList<FeedCredential> Credentials { get; init; } = [];

    /// <summary>Certificate files the restore sandbox trusts besides the host's own bundle (a private feed's CA).</summary>
    public IReadOnlyList<string> ExtraCertificates { get; init; } = [];

    /// <summary>
    /// The host's CA bundle, handed to the restore sandbox: restore's traffic leaves through this host, so it
    /// trusts what this host trusts (a TLS-inspecting corporate proxy, this machine's egress). Null: the image's own.
    /// </summary>
    public string? HostCertificates { get; init; } = DefaultHostCertificates();

    public IHostPaths HostPaths { get; init; } = IdentityHostPaths.Instance;

    /// <summary>Reuse the last restore of the same inputs; false always restores afresh.</summary>
    public bool Reuse { get; init; } = true;

    public string Agent { get; init; } = "default";

    /// <summary>Where the gate's host-side listeners listen (default: the engine bridge's host side).</summary>
    public IPAddress? ListenAddress { get; init; }

    /// <summary>Names mapped to addresses for the proxy only (tests map feed names to local fixtures).</summary>
    public string? ProxyHostsFile { get; init; }

    /// <summary>The proxy's DNS servers; empty: the host's.</summary>
    public IReadOnlyList<string> ProxyDnsServers { get; init; } = [];

    /// <summary>Host secrets (tokens, keys) that must not reach the restore sandbox's environment.</summary>
    public IReadOnlyList<string> Canaries { get; init; } = [];

    /// <summary>For tests that must build a weakened restore sandbox: edits the raw create request.</summary>
    public SandboxCustomization? Customize { get; init; }

    public HostContext? Host { get; init; }

    private static string? DefaultHostCertificates() =>
        new[] { Environment.GetEnvironmentVariable("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem" }
            .FirstOrDefault(f => !string.IsNullOrEmpty(f) && File.Exists(f));
}

public enum RestoreOutcome
{
    /// <summary>A restore sandbox ran and restore succeeded.</summary>
    Restored,

    /// <summary>The inputs were unchanged: the previous restore's folders, no sandbox at all.</summary>
    Reused,

    /// <summary>The restore sandbox failed the gate; restore never ran.</summary>
    GateFailed,

    /// <summary>Restore ran and failed (or timed out); nothing is kept.</summary>
    Failed,
}

/// <summary>What the restore stage hands the build: the folders to mount read-only, and what it saw on the way.</summary>
public sealed record RestoreResult
{
    public required RestoreOutcome Outcome { get; init; }

    public bool Succeeded => Outcome is RestoreOutcome.Restored or RestoreOutcome.Reused;

    /// <summary>The package folder (local path): mount it read-only at <see cref="RestoreLayout.PackagesTarget"/>.</summary>
    public string? PackageFolder { get; init; }

    /// <summary>The restore outputs (local path): mount read-only at <see cref="RestoreLayout.ResultsTarget"/>, stage with `--overlay`.</summary>
    public string? ResultsFolder { get; init; }

    public required string InputsHash { get; init; }

    /// <summary>
    /// One finding per host the proxy refused (and per TLS name mismatch), once the proxy has stopped: it stops
    /// while the build sandbox starts. Done at once when no proxy ran.
    /// </summary>
    public Task<IReadOnlyList<Finding>> Egress { get; init; } = Task.FromResult<IReadOnlyList<Finding>>([]);

    /// <summary>The gate's report on the restore sandbox (generic and restore checks); null when reused.</summary>
    public ValidationReport? Gate { get; init; }

    /// <summary>Feed credentials: canaries for the artifact scan, since the restore sandbox could read them.</summary>
    public IReadOnlyList<string> Canaries { get; init; } = [];

    public TimeSpan Duration { get; init; }

    /// <summary>The restore's exit code when it ran and failed.</summary>
    public long? ExitCode { get; init; }
}
