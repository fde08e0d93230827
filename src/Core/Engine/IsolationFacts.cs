using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>Which kind of fact a finding was judged from.</summary>
public enum FactSource
{
    Policy,
    Compose,
    Container,
    Engine,
    Probe,
    Baseline,

    /// <summary>The files the host's MSBuild and NuGet read, against the approved build-logic record.</summary>
    BuildLogic,

    /// <summary>The restore sandbox's egress proxy: what it let through and what it refused.</summary>
    Proxy,
}

public sealed record MountFact(string Type, string Source, string Target, bool ReadOnly, string Propagation, SourceLocation? Location = null);

public sealed record TmpfsFact(string Path, long SizeBytes, SourceLocation? Location = null);

public sealed record EnvFact(string Name, string Value, SourceLocation? Location = null);

/// <summary>
/// The isolation settings of one sandbox in one neutral shape, whether read from a policy file, a compose
/// service or `docker inspect`. One judge (the gate's isolation checks) evaluates all three, so a setting
/// is held to the same rule wherever it is written.
/// </summary>
public sealed record IsolationFacts
{
    public required FactSource Source { get; init; }

    /// <summary>What was read, for messages: "sandbox.yml", "compose service ai-development", "container 1a2b3c".</summary>
    public required string Origin { get; init; }

    public string NetworkMode { get; init; } = "";

    public bool Privileged { get; init; }

    public IReadOnlyList<string> CapAdd { get; init; } = [];

    public IReadOnlyList<string> CapDrop { get; init; } = [];

    public bool NoNewPrivileges { get; init; }

    /// <summary>`default`, `unconfined`, or `custom`.</summary>
    public string Seccomp { get; init; } = "default";

    public string AppArmor { get; init; } = "default";

    public bool SystemPathsUnmasked { get; init; }

    public bool ReadOnlyRootFilesystem { get; init; }

    public string User { get; init; } = "";

    /// <summary>The image's accounts, when they were read; without them only a numeric `uid:gid` can be judged.</summary>
    public Policy.UserAccounts? Accounts { get; init; }

    /// <summary>The sha256 of a custom seccomp profile's content, when one is used.</summary>
    public string? SeccompProfileSha256 { get; init; }

    public string PidMode { get; init; } = "";

    public string IpcMode { get; init; } = "";

    public string UtsMode { get; init; } = "";

    public string UsernsMode { get; init; } = "";

    public string CgroupnsMode { get; init; } = "";

    public IReadOnlyList<string> Devices { get; init; } = [];

    public IReadOnlyList<string> DeviceCgroupRules { get; init; } = [];

    public int DeviceRequests { get; init; }

    /// <summary>Bytes; 0 is unlimited.</summary>
    public long Memory { get; init; }

    /// <summary>Bytes of memory plus swap; -1 is unlimited, 0 is "same as memory".</summary>
    public long MemorySwap { get; init; }

    public long NanoCpus { get; init; }

    /// <summary>Null or below 1 is unlimited.</summary>
    public long? PidsLimit { get; init; }

    public IReadOnlyList<TmpfsFact> Tmpfs { get; init; } = [];

    public IReadOnlyList<MountFact> Mounts { get; init; } = [];

    public IReadOnlyList<EnvFact> Environment { get; init; } = [];

    /// <summary>Only a policy has a timeout; null means not applicable to this kind of facts.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Targets of the writable output folder; every other writable host mount is a finding.</summary>
    public IReadOnlySet<string> OutputTargets { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The file and line of a setting (`network`, `user` ...), where the facts came from a file.</summary>
    public Func<string, SourceLocation?> Locate { get; init; } = _ => null;
}
