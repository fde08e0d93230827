using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// One setting of the policy as the tighten-only merge sees it: how to show it, whether a repository's
/// value is looser than the floor's (the reason, or null when it is as tight or tighter), and how to take
/// the repository's value when it is not.
/// </summary>
internal sealed record PolicyField(
    string Key,
    Func<SandboxPolicy, string> Show,
    Func<SandboxPolicy, SandboxPolicy, Loosening?> Looser,
    Func<SandboxPolicy, SandboxPolicy, SandboxPolicy> Take)
{
    /// <summary>The code a loosening of this field fails with.</summary>
    public SandboxCode Code { get; init; } = Codes.RepositoryLoosens;

    /// <summary>True for fields a repository may never set, even when the user trusts it.</summary>
    public bool CallerOnly { get; init; }

    /// <summary>Whether an origin key (`tmpfs./tmp`, `env.set.X`) belongs to this field.</summary>
    public bool Owns(string originKey) => originKey == Key || originKey.StartsWith(Key + ".", StringComparison.Ordinal);
}

/// <summary>Why a repository's value is looser than the floor's, and the code when it is not the field's own.</summary>
internal sealed record Loosening(string Why, SandboxCode? Code = null)
{
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(why))]
    public static implicit operator Loosening?(string? why) => why is null ? null : new(why);
}

/// <summary>A repository setting that would loosen the floor: refused, with both values and where it was written.</summary>
public sealed record PolicyRefusal(SandboxCode Code, string Field, string FloorValue, string RepositoryValue, string Why, SourceLocation? Location)
{
    public string Describe() => $"{Field}: the repository asks for {RepositoryValue}, the trusted floor is {FloorValue} ({Why}); refused, the floor's value stays";
}

/// <summary>Something about where the policy came from that the run must say every time (trust opt-in, a file inside the source).</summary>
public sealed record PolicyNotice(SandboxCode Code, string Message, SourceLocation? Location);

/// <summary>Where a setting of the effective policy came from.</summary>
public enum PolicyLayer
{
    BuiltIn,
    Baseline,
    CallerFile,
    CallerFlags,
    Repository,
}
