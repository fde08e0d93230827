namespace SandboxBuild.Policy;

/// <summary>
/// The sandbox a run gets, engine-neutral. Built-in defaults are the pattern's Level 1, hardened; a
/// `sandbox.yml` and then flags, MSBuild properties or action inputs are layered on top. The container is
/// created exactly from this record (see Engine/SandboxSpec), and static validation judges it.
/// A policy may describe a weak sandbox: reading it never fails for that, validation does.
/// </summary>
public sealed record SandboxPolicy
{
    /// <summary>The official .NET 10 SDK image, pinned by its manifest-list digest.</summary>
    public const string OfficialImage = "mcr.microsoft.com/dotnet/sdk:10.0@sha256:e1ffd2a92ae84c1291bc1b6887501f8af98e6331e7af6d4c8d37168c5e87a64c";

    public const string SandboxHome = "/home/sandbox";

    public const string BuildTarget = "/workspace/build";

    public static SandboxPolicy Default { get; } = new();

    public string Image { get; init; } = OfficialImage;

    public string Network { get; init; } = "none";

    public string User { get; init; } = "1000:1000";

    public bool Privileged { get; init; }

    public IReadOnlyList<string> CapDrop { get; init; } = ["ALL"];

    public IReadOnlyList<string> CapAdd { get; init; } = [];

    public bool NoNewPrivileges { get; init; } = true;

    /// <summary>`default`, `unconfined`, or the path of a seccomp profile (JSON).</summary>
    public string Seccomp { get; init; } = "default";

    /// <summary>
    /// The sha256 of the custom seccomp profile's bytes, pinned by the trusted side. A custom profile runs only
    /// when its file has exactly this hash; a repository can neither choose a profile nor pin one.
    /// </summary>
    public string? SeccompSha256 { get; init; }

    /// <summary>`default`, `unconfined`, or a profile name.</summary>
    public string AppArmor { get; init; } = "default";

    /// <summary>`masked` (default) or `unconfined` (Docker's systempaths=unconfined).</summary>
    public string SystemPaths { get; init; } = "masked";

    public bool ReadOnlyRootFilesystem { get; init; } = true;

    /// <summary>Writable in-memory folders and their sizes. Every tmpfs needs a size.</summary>
    public IReadOnlyDictionary<string, long> Tmpfs { get; init; } = new SortedDictionary<string, long>(StringComparer.Ordinal)
    {
        ["/tmp"] = 1L << 30,
        [SandboxHome] = 256L << 20,
    };

    /// <summary>Size of the writable in-memory copy of the source the build runs in.</summary>
    public long WorkspaceSize { get; init; } = 2L << 30;

    /// <summary>Memory limit in bytes; 0 means unlimited (a finding).</summary>
    public long Memory { get; init; } = 4L << 30;

    /// <summary>Memory plus swap; null means no swap beyond <see cref="Memory"/>; -1 means unlimited swap.</summary>
    public long? MemorySwap { get; init; }

    public double Cpus { get; init; } = 2;

    /// <summary>Process limit; 0 means unlimited (a finding).</summary>
    public long Pids { get; init; } = 1024;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public string SourceTarget { get; init; } = "/workspace/src";

    public bool SourceReadOnly { get; init; } = true;

    /// <summary>The host folder verified artifacts are published to (relative to the source folder).</summary>
    public string OutputPath { get; init; } = "sandbox-output";

    public string OutputTarget { get; init; } = "/workspace/output";

    /// <summary>Extra host folders (docs, fixtures). They should be read-only; a writable one is a finding.</summary>
    public IReadOnlyList<MountSpec> Mounts { get; init; } = [];

    /// <summary>Names of host environment variables passed in. Empty by default: nothing crosses unless named.</summary>
    public IReadOnlyList<string> EnvAllow { get; init; } = [];

    /// <summary>Variables set to fixed values inside.</summary>
    public IReadOnlyDictionary<string, string> EnvSet { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>Namespace modes; empty is the engine's private default, `host` is a finding.</summary>
    public string PidMode { get; init; } = "";

    public string IpcMode { get; init; } = "private";

    public string UtsMode { get; init; } = "";

    public string UsernsMode { get; init; } = "";

    /// <summary>Private by default: engines on cgroup v1 would otherwise share the host's cgroup namespace.</summary>
    public string CgroupnsMode { get; init; } = "private";

    public ArtifactPolicy Artifacts { get; init; } = new();

    /// <summary>Where each key was read from, for findings with file and line. Not part of the policy's identity.</summary>
    public PolicyOrigin Origin { get; init; } = PolicyOrigin.BuiltIn;

    public bool Equals(SandboxPolicy? other) => other is not null && PolicyCanonical.ToJson(this) == PolicyCanonical.ToJson(other);

    public override int GetHashCode() => PolicyCanonical.ToJson(this).GetHashCode(StringComparison.Ordinal);
}

public sealed record MountSpec(string Source, string Target, bool ReadOnly)
{
    public override string ToString() => $"{Source}:{Target}:{(ReadOnly ? "ro" : "rw")}";
}

public enum SecretAction
{
    Block,
    Warn,
}

public sealed record ArtifactPolicy
{
    /// <summary>Globs of what the run declared it produces; empty means everything in the output folder.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    public int MaxFiles { get; init; } = 20_000;

    public long MaxFileSize { get; init; } = 1L << 30;

    public long MaxTotalSize { get; init; } = 4L << 30;

    public SecretAction Secrets { get; init; } = SecretAction.Block;

    public bool Equals(ArtifactPolicy? other) =>
        other is not null && Include.SequenceEqual(other.Include) && MaxFiles == other.MaxFiles && MaxFileSize == other.MaxFileSize
        && MaxTotalSize == other.MaxTotalSize && Secrets == other.Secrets;

    public override int GetHashCode() => HashCode.Combine(MaxFiles, MaxFileSize, MaxTotalSize, Secrets);
}
