using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

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
    InvalidInput,

    /// <summary>The caller cancelled (Ctrl-C); the sandbox was killed and what it wrote was still collected.</summary>
    Cancelled,
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
    public const int Cancelled = 130;
    public const int Killed = 137;
}

public sealed record RunResult
{
    public required string RunId { get; init; }

    public required RunOutcome Outcome { get; init; }

    public required int ExitCode { get; init; }

    public long? CommandExitCode { get; init; }

    public SandboxPolicy? Policy { get; init; }

    /// <summary>The gate's one verdict; null when the run ended before the gate (bad input, no engine).</summary>
    public GateVerdict? Verdict { get; init; }

    public ValidationReport? Validation => Verdict?.Report;

    public IReadOnlyList<DriftChange> Drift => Verdict?.Drift ?? [];

    /// <summary>The code of the failure that ended the run early, if one did.</summary>
    public SandboxCode? FailureCode { get; init; }

    public CollectionResult? Collection { get; init; }

    public string? PublishDirectory { get; init; }

    public string? ManifestPath { get; init; }

    public string? ProvenancePath { get; init; }

    public string? LogPath { get; init; }

    /// <summary>The sandbox the run used (for `start`, the warm sandbox it started or found).</summary>
    public string? ContainerId { get; init; }

    public TimeSpan Duration { get; init; }

    public long PeakMemoryBytes { get; init; }

    public long PeakPids { get; init; }
}
