namespace SandboxBuild.Validation;

/// <summary>
/// The gate's one verdict: the findings, the drift against the approved baseline, and whether drift counts.
/// Every consumer (the run pipeline, `validate`, the action's `gate-result`, the provenance statement, the
/// audit log) reads <see cref="Passed"/> from here and nowhere else.
/// </summary>
public sealed record GateVerdict
{
    private GateVerdict(ValidationReport report, IReadOnlyList<DriftChange> drift, bool driftFails)
    {
        Report = report;
        Drift = drift;
        DriftFails = driftFails;
    }

    public ValidationReport Report { get; }

    public IReadOnlyList<DriftChange> Drift { get; }

    /// <summary>False when the trusted side chose to see weakenings as warnings (`fail-on-drift: false`).</summary>
    public bool DriftFails { get; }

    public IReadOnlyList<DriftChange> Weakenings => Drift.Where(d => d.Weaker).ToArray();

    public bool Passed => Report.Passed && !(DriftFails && Drift.Any(d => d.Weaker));

    /// <param name="baseline">The approved baseline, when the trusted side gave one.</param>
    public static GateVerdict Decide(ValidationReport report, Baseline? baseline, Policy.SandboxPolicy policy, bool driftFails) =>
        new(report, baseline is null ? [] : BaselineDiff.Compare(baseline, policy, report), driftFails);

    public static GateVerdict Of(ValidationReport report) => new(report, [], driftFails: true);
}
