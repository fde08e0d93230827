using System.Diagnostics;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// What a run has found out so far. Whatever stage it ends in (a bad policy, no engine, a failed gate, a
/// staging error, a timeout, a failed command), this becomes its result, its closing lines and its audit
/// record, the same way for every kind of sandbox.
/// </summary>
internal sealed class RunRecord : IDisposable
{
    private RunRecord(string runId, RunRequest request, string source, StatePaths state, RunLog log)
    {
        RunId = runId;
        Request = request;
        Source = source;
        State = state;
        Log = log;
    }

    public string RunId { get; }

    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    public RunRequest Request { get; }

    public string Source { get; }

    public StatePaths State { get; }

    /// <summary>The user's log, with a copy of every line in the run's own log file.</summary>
    public RunLog Log { get; }

    public SandboxPolicy? Policy { get; set; }

    /// <summary>What runs inside and what it restores: decided once, by the policy stage; null for a proving run.</summary>
    public CommandPlan? Plan { get; set; }

    public IReadOnlyList<string>? Command => Plan?.Command;

    public ResolvedImage? Image { get; set; }

    public GateVerdict? Verdict { get; set; }

    public string? ContainerId { get; set; }

    public string? PublishDirectory { get; set; }

    public ExecutionOutcome? Execution { get; set; }

    public CollectionResult? Collection { get; set; }

    /// <summary>How the run ended when it ended before (or instead of) its command: set by the stage that stopped it.</summary>
    public RunOutcome? EndedAs { get; set; }

    public SandboxCode? Failure { get; set; }

    /// <summary>How long each stage took, in the order they ran: shown with --verbose and kept in the audit record.</summary>
    public IReadOnlyList<(string Stage, TimeSpan Took)> Stages => _stages;

    private readonly List<(string, TimeSpan)> _stages = [];

    /// <summary>Times one stage: `using (run.Stage("staging")) { ... }`.</summary>
    public IDisposable Stage(string name) => new StageTimer(this, name);

    private sealed class StageTimer(RunRecord run, string name) : IDisposable
    {
        private readonly long _started = Stopwatch.GetTimestamp();

        public void Dispose()
        {
            var took = Stopwatch.GetElapsedTime(_started);
            lock (run._stages)
            {
                run._stages.Add((name, took));
            }

            run.Log.Detail($"[stage] {name}: {took.TotalSeconds:0.000} s");
        }
    }

    public static RunRecord Begin(RunRequest request, ISandboxLog log)
    {
        var source = Path.GetFullPath(request.SourceDirectory).TrimEnd('/');
        if (!Directory.Exists(source))
        {
            throw new SandboxException(Codes.InvalidInput, $"The source folder '{source}' does not exist.", "Pass an existing folder with -C (or run from inside it).");
        }

        var state = StatePaths.For(source);
        var runId = SandboxLabels.NewRunId();
        return new RunRecord(runId, request, source, state, new RunLog(log, state.RunLog(runId)));
    }

    /// <summary>A stage failed with a coded error: report it, and end the run with the outcome its code calls for.</summary>
    public void Fail(SandboxException e)
    {
        Log.Report(e);
        Failure = e.Code;
        EndedAs = e.Code == Codes.PolicyInvalid || e.Code == Codes.InvalidInput ? RunOutcome.InvalidInput
            : e.Code == Codes.RestoreGateFailed ? RunOutcome.GateFailed
            : RunOutcome.SandboxError;
    }

    public void Dispose() => Log.Dispose();
}
