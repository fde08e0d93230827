using SandboxBuild.Diagnostics;

namespace SandboxBuild.Artifacts;

/// <summary>A file that passed every check and was copied to the publish folder.</summary>
public sealed record PublishedFile(string Path, long Size, string Sha256);

/// <summary>Something in the output that was not published. The path is already escaped for display.</summary>
public sealed record Refusal(string Path, string Reason, SandboxCode Code);

/// <summary>A credential found in an output file; the value itself is never kept, only its masked shape.</summary>
public sealed record SecretFinding(string Path, long Line, string Rule, string Title, string Masked, bool Blocked);

public sealed record CollectionResult
{
    public IReadOnlyList<PublishedFile> Published { get; init; } = [];

    public IReadOnlyList<Refusal> Refused { get; init; } = [];

    public IReadOnlyList<SecretFinding> Secrets { get; init; } = [];

    /// <summary>Files left out because they match none of the declared `artifacts.include` globs.</summary>
    public int NotDeclared { get; init; }

    public long TotalBytes { get; init; }

    public TimeSpan Duration { get; init; }

    /// <summary>True when a secret kept a file from being published.</summary>
    public bool BlockedBySecrets => Secrets.Any(s => s.Blocked);

    public bool Complete => Refused.Count == 0 && !BlockedBySecrets;
}
