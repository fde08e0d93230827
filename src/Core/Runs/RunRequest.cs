using System.Net;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>What the run does once its sandbox is proven.</summary>
public enum RunPurpose
{
    /// <summary>Stage the source, run the command, collect its output.</summary>
    Command,

    /// <summary>Prove the sandbox and stop: `validate`, `demo`, `start`.</summary>
    Prove,
}

/// <summary>Which sandbox a run uses; every kind goes through the same stages.</summary>
public enum LeaseKind
{
    /// <summary>Created for this run from the policy, killed at its end.</summary>
    Fresh,

    /// <summary>The repository's long-lived sandbox (per agent): build servers and incremental state stay warm.</summary>
    Warm,

    /// <summary>A running container someone else started (`validate --container`): judged, never touched.</summary>
    Attached,
}

/// <summary>
/// What a caller asks of a run: the CLI's `run`, `exec`, `start`, `validate` and `demo`, the MSBuild tasks
/// (through the CLI) and the action all fill this and hand it to <see cref="RunPipeline"/>.
/// </summary>
public sealed record RunRequest
{
    /// <summary>The folder mounted read-only as the source (a repository or a project folder).</summary>
    public required string SourceDirectory { get; init; }

    public RunPurpose Purpose { get; init; } = RunPurpose.Command;

    public LeaseKind Lease { get; init; } = LeaseKind.Fresh;

    /// <summary>For a warm lease: start the sandbox when none runs (`run --warm`, `start`); else that is an error (`exec`).</summary>
    public bool StartWarm { get; init; } = true;

    /// <summary>For a warm lease that is started: how long it may sit unused before it is removed.</summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>For an attached lease: the container to judge.</summary>
    public string? AttachTo { get; init; }

    /// <summary>For an attached lease: the mount target that is its output (default: its only writable bind mount).</summary>
    public string? AttachedOutputTarget { get; init; }

    /// <summary>The label a fresh proving sandbox gets (`validate` or `demo`), so `status` tells them apart.</summary>
    public string ProveKind { get; init; } = SandboxKinds.Validate;

    /// <summary>Print every check of the gate, passes included (`validate`); other runs print failures and the summary.</summary>
    public bool ShowAllChecks { get; init; }

    public string? PolicyFile { get; init; }

    public PolicyOverrides Overrides { get; init; } = new();

    /// <summary>Compose files in the pattern's format, judged with the policy (`validate --compose`).</summary>
    public IReadOnlyList<string> ComposeFiles { get; init; } = [];

    /// <summary>
    /// The approved build-logic record (from the trusted side, e.g. the base branch): the static gate compares
    /// every file the host's MSBuild and NuGet would read with it before anything else happens.
    /// </summary>
    public string? BuildLogicRecord { get; init; }

    /// <summary>Judge the files only; start nothing.</summary>
    public bool StaticOnly { get; init; }

    /// <summary>The command; empty means `dotnet test`.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Where inside the source the command runs (relative); the source root by default.</summary>
    public string WorkingDirectory { get; init; } = ".";

    /// <summary>The publish folder; by default the policy's output path, relative to the source folder.</summary>
    public string? PublishDirectory { get; init; }

    public bool SkipRestore { get; init; }

    /// <summary>
    /// What to restore for a command that builds but is not a `dotnet` build verb (the test-module runner's
    /// `test-module`); null: what the command itself says (<see cref="CommandPlan"/>).
    /// </summary>
    public RestoreFor? RestoreFor { get; init; }

    /// <summary>
    /// A project or solution inside the source to restore instead of the command's own target (`--restore-project`):
    /// the package passes the solution `dotnet test` was given, so its test projects share one restore.
    /// </summary>
    public string? RestoreProject { get; init; }

    /// <summary>
    /// Whether a restore with unchanged inputs may be reused; null: yes, unless SANDBOXBUILD_RESTORE_REUSE=0. A
    /// reused restore was made by the repository's code of an earlier run (same restore inputs, other sources).
    /// </summary>
    public bool? ReuseRestore { get; init; }

    /// <summary>Trusted package feeds (URLs or folders) for the restore sandbox; empty: SANDBOXBUILD_FEEDS, else nuget.org.</summary>
    public IReadOnlyList<string> Feeds { get; init; } = [];

    /// <summary>`HOST=ENVVAR` credentials for private feeds; they reach only the restore sandbox's NuGet config.</summary>
    public IReadOnlyList<string> FeedCredentials { get; init; } = [];

    public string Agent { get; init; } = "default";

    public IHostPaths HostPaths { get; init; } = IdentityHostPaths.Instance;

    /// <summary>
    /// This process runs in a container that starts sandboxes as its siblings (the action): paths are translated
    /// to the engine host's by inspecting our own container, once the engine is reached.
    /// </summary>
    public bool TranslateOwnContainerPaths { get; init; }

    /// <summary>Real credential values of the host side; their appearance in an artifact blocks it.</summary>
    public IReadOnlyList<string> Canaries { get; init; } = [];

    /// <summary>Drift check against a committed baseline, when given.</summary>
    public string? BaselineFile { get; init; }

    /// <summary>When false, a weakening against the baseline is reported as a warning and the run goes on.</summary>
    public bool DriftFailsGate { get; init; } = true;

    /// <summary>
    /// KEY=VALUE settings (sandbox.yml key names) the repository's own MSBuild files asked for. Untrusted: they are
    /// for the tighten-only merge of the policy floor, never applied as they are.
    /// </summary>
    public IReadOnlyList<string> RepositorySettings { get; init; } = [];

    /// <summary>The trusted side opts in to the repository's policy (--trust-repository-policy); every run warns.</summary>
    public bool TrustRepositoryPolicy { get; init; }

    /// <summary>A free-form description of where the source came from, for provenance (e.g. owner/repo@sha).</summary>
    public string? SourceDescription { get; init; }

    /// <summary>What the policy resolver needs from this request: the trusted layers and the repository's settings.</summary>
    public TrustedPolicyInputs PolicyInputs() => new()
    {
        PolicyFile = PolicyFile,
        Overrides = Overrides,
        BaselineFile = BaselineFile,
        RepositorySettings = RepositorySettings,
        TrustRepositoryPolicy = TrustRepositoryPolicy,
    };

    /// <summary>For experts and for tests that must build a weakened sandbox: edits the raw create request of a fresh sandbox.</summary>
    public SandboxCustomization? Customize { get; init; }

    /// <summary>Where the probe's host-side listeners listen; by default the engine bridge's host side.</summary>
    public IPAddress? ListenAddress { get; init; }
}

/// <summary>A restore the caller asks for by name: the project (or null for the folder's own) and its restore arguments (`-r RID`).</summary>
public sealed record RestoreFor(string? Target, IReadOnlyList<string> Arguments);
