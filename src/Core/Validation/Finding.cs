using SandboxBuild.Diagnostics;

namespace SandboxBuild.Validation;

public enum CheckStatus
{
    Pass,
    Warn,
    Fail,
}

/// <summary>Which kind of fact a finding was judged from.</summary>
public enum FactSource
{
    Policy,
    Compose,
    Container,
    Engine,
    Probe,
    Baseline,

    /// <summary>The restore sandbox's egress proxy: what it let through and what it refused.</summary>
    Proxy,
}

/// <summary>
/// One check's verdict: what was seen, what was expected, and where. A failed finding with an error code fails
/// the gate; the code's Fix says how to mend it.
/// </summary>
public sealed record Finding(
    SandboxCode Code,
    CheckStatus Status,
    FactSource Source,
    string Subject,
    string Seen,
    string Expected,
    SourceLocation? Location = null)
{
    public bool FailsGate => Status == CheckStatus.Fail;

    public static Finding Pass(SandboxCode code, FactSource source, string subject, string seen, string expected, SourceLocation? location = null) =>
        new(code, CheckStatus.Pass, source, subject, seen, expected, location);

    public static Finding Fail(SandboxCode code, FactSource source, string subject, string seen, string expected, SourceLocation? location = null) =>
        new(code, code.Severity == Severity.Error ? CheckStatus.Fail : CheckStatus.Warn, source, subject, seen, expected, location);

    /// <summary>Pass or fail by a condition, so a check reads as one expression.</summary>
    public static Finding Judge(bool ok, SandboxCode code, FactSource source, string subject, string seen, string expected, SourceLocation? location = null) =>
        ok ? Pass(code, source, subject, seen, expected, location) : Fail(code, source, subject, seen, expected, location);

    public string Describe() => $"{Subject}: saw {Seen}, expected {Expected}";
}

/// <summary>Everything the gate found, with the identity of what it judged.</summary>
public sealed record ValidationReport
{
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    public string? PolicySha256 { get; init; }

    public string? ImageReference { get; init; }

    public string? ImageDigest { get; init; }

    public EngineFacts? Engine { get; init; }

    public string? ContainerId { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>What the probe saw inside, when it ran (for `demo` and for evidence).</summary>
    public Probing.ProbeReport? Probe { get; init; }

    public bool Passed => !Findings.Any(f => f.FailsGate);

    public IEnumerable<Finding> Failures => Findings.Where(f => f.FailsGate);

    public ValidationReport With(IEnumerable<Finding> more) => this with { Findings = Findings.Concat(more).ToArray() };
}
