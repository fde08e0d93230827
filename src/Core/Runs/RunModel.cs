using SandboxBuild.Artifacts;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>What a user asks `run` (or `dotnet test` through the package, or the action) to do.</summary>
public sealed record RunRequest
{
    /// <summary>The folder mounted read-only as the source (a repository or a project folder).</summary>
    public required string SourceDirectory { get; init; }

    public string? PolicyFile { get; init; }

    public PolicyOverrides Overrides { get; init; } = new();

    /// <summary>The command; empty means `dotnet test`.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Where inside the source the command runs (relative); the source root by default.</summary>
    public string WorkingDirectory { get; init; } = ".";

    /// <summary>The publish folder; by default the policy's output path, relative to the source folder.</summary>
    public string? PublishDirectory { get; init; }

    public bool SkipRestore { get; init; }

    /// <summary>Trusted package feeds (URLs or folders) for the restore sandbox; empty: SANDBOXBUILD_FEEDS, else nuget.org.</summary>
    public IReadOnlyList<string> Feeds { get; init; } = [];

    /// <summary>`HOST=ENVVAR` credentials for private feeds; they reach only the restore sandbox's NuGet config.</summary>
    public IReadOnlyList<string> FeedCredentials { get; init; } = [];

    /// <summary>Reuse (or start) the repository's long-lived sandbox for this agent: build servers and incremental state stay warm.</summary>
    public bool Warm { get; init; }

    public string Agent { get; init; } = "default";

    public IHostPaths HostPaths { get; init; } = IdentityHostPaths.Instance;

    /// <summary>Real credential values of the host side; their appearance in an artifact blocks it.</summary>
    public IReadOnlyList<string> Canaries { get; init; } = [];

    /// <summary>Drift check against a committed baseline, when given.</summary>
    public string? BaselineFile { get; init; }

    /// <summary>When false, a weakening against the baseline is reported as a warning and the run goes on.</summary>
    public bool DriftFailsGate { get; init; } = true;

    /// <summary>A free-form description of where the source came from, for provenance (e.g. owner/repo@sha).</summary>
    public string? SourceDescription { get; init; }
}

public enum RunOutcome
{
    Succeeded,
    CommandFailed,
    GateFailed,
    TimedOut,
    OutOfMemory,
    PidsLimit,
    Killed,
    ArtifactsBlocked,
    SandboxError,
}

/// <summary>The process exit codes of SandboxBuild itself; the command's own code passes through otherwise.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Usage = 2;
    public const int ArtifactsBlocked = 120;
    public const int GateFailed = 121;
    public const int Timeout = 124;
    public const int SandboxError = 125;
    public const int Killed = 137;
}

public sealed record RunResult
{
    public required string RunId { get; init; }

    public required RunOutcome Outcome { get; init; }

    public required int ExitCode { get; init; }

    public long? CommandExitCode { get; init; }

    public SandboxPolicy? Policy { get; init; }

    public ValidationReport? Validation { get; init; }

    public IReadOnlyList<DriftChange> Drift { get; init; } = [];

    public CollectionResult? Collection { get; init; }

    public string? PublishDirectory { get; init; }

    public string? ManifestPath { get; init; }

    public string? ProvenancePath { get; init; }

    public string? LogPath { get; init; }

    public TimeSpan Duration { get; init; }

    public long PeakMemoryBytes { get; init; }

    public long PeakPids { get; init; }
}
