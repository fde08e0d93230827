using System.Text.Json.Serialization;

namespace SandboxBuild.Probing;

/// <summary>What the probe is asked to check. Sent as one JSON argument.</summary>
public sealed class ProbeRequest
{
    /// <summary>`address:port` of a TCP listener the validator opened on the host side.</summary>
    public string? TcpTarget { get; set; }

    /// <summary>`address:port` of a UDP responder (a fake DNS server) the validator opened on the host side.</summary>
    public string? UdpTarget { get; set; }

    public string? SourcePath { get; set; }

    public string? OutputPath { get; set; }

    /// <summary>Host paths of credential folders (the host user's ~/.aws ...) that must not be visible inside.</summary>
    public List<string> CredentialPaths { get; set; } = [];

    /// <summary>
    /// Mount targets that must be read-only all the way down (the source, the package folders): a writable mount
    /// below one of them (a sub-mount the engine bound recursively but made read-only only at the top) is reported.
    /// </summary>
    public List<string> ReadOnlyTrees { get; set; } = [];

    /// <summary>Mount points not to walk for sockets (the read-only package cache the engine mounted itself).</summary>
    public List<string> SkipSocketScan { get; set; } = [];

    public int ConnectTimeoutMs { get; set; } = 1500;

    /// <summary>Sockets that are the sandbox's sanctioned channel (the restore sandbox's proxy socket); judged by the restore checks, not as leaks.</summary>
    public List<string> ChannelSockets { get; set; } = [];

    /// <summary>Files that hold a credential on purpose (the restore sandbox's trusted NuGet config with a private feed's); judged by the restore checks.</summary>
    public List<string> SanctionedCredentials { get; set; } = [];
}

/// <summary>Facts seen from inside the sandbox. Raw facts only: the host side judges them.</summary>
public sealed class ProbeReport
{
    public int Version { get; set; } = 1;

    public long Uid { get; set; } = -1;

    public long Gid { get; set; } = -1;

    public string CapEff { get; set; } = "";

    public string CapPrm { get; set; } = "";

    public string CapBnd { get; set; } = "";

    public string CapAmb { get; set; } = "";

    public int NoNewPrivs { get; set; } = -1;

    public int Seccomp { get; set; } = -1;

    public List<string> Interfaces { get; set; } = [];

    public List<string> Routes { get; set; } = [];

    public List<string> Ipv6Addresses { get; set; } = [];

    public ConnectResult? Tcp { get; set; }

    public ConnectResult? Udp { get; set; }

    public WriteResult? ProcSys { get; set; }

    public List<WriteResult> ReleaseAgents { get; set; } = [];

    public WriteResult? Source { get; set; }

    public WriteResult? Output { get; set; }

    public WriteResult? RootFilesystem { get; set; }

    /// <summary>Writable mounts found below a read-only tree of the request.</summary>
    public List<string> WritableSubMounts { get; set; } = [];

    public List<SocketFinding> Sockets { get; set; } = [];

    public bool SocketScanComplete { get; set; }

    public int SocketScanEntries { get; set; }

    public List<string> CredentialFiles { get; set; } = [];

    /// <summary>Credential material found by name or content while walking the mounts (the same walk as the socket scan).</summary>
    public List<CredentialFinding> CredentialMaterialFound { get; set; } = [];

    public List<string> SecretEnvironment { get; set; } = [];

    public List<AttemptResult> Attempts { get; set; } = [];

    public List<string> Errors { get; set; } = [];

    /// <summary>Every process in the sandbox when the probe ran; judged with <see cref="ProcessRules"/>.</summary>
    public List<ProcessInfo> Processes { get; set; } = [];

    public bool ProcessTableRead { get; set; }

    public int ProbePid { get; set; } = -1;
}

public sealed class ConnectResult
{
    public string Target { get; set; } = "";

    /// <summary>`unreachable` (no route: isolated), `refused`, `connected`, `answered`, `timeout` or `error`.</summary>
    public string Outcome { get; set; } = "";

    public string Detail { get; set; } = "";

    public long ElapsedMs { get; set; }
}

public sealed class WriteResult
{
    public string Path { get; set; } = "";

    public bool Writable { get; set; }

    /// <summary>Whether /proc/self/mountinfo shows the path's mount read-only; null when it was not found.</summary>
    public bool? MountReadOnly { get; set; }

    public string Detail { get; set; } = "";
}

public sealed class SocketFinding
{
    public string Path { get; set; } = "";

    public bool Connected { get; set; }

    public string Detail { get; set; } = "";
}

public sealed class CredentialFinding
{
    public string Path { get; set; } = "";

    public string Why { get; set; } = "";
}

public sealed class AttemptResult
{
    public string Name { get; set; } = "";

    public string Description { get; set; } = "";

    public bool Blocked { get; set; }

    public string Evidence { get; set; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(ProbeRequest))]
[JsonSerializable(typeof(ProbeReport))]
[JsonSerializable(typeof(string))]
public sealed partial class ProbeJson : JsonSerializerContext;
