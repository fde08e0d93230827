using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>Where a policy came from, and the line of each key, so a finding can point at it.</summary>
public sealed class PolicyOrigin
{
    private readonly IReadOnlyDictionary<string, int> _lines;

    public PolicyOrigin(string? file, IReadOnlyDictionary<string, int> lines)
    {
        File = file;
        _lines = lines;
    }

    public static PolicyOrigin BuiltIn { get; } = new(null, new Dictionary<string, int>());

    /// <summary>The policy file, or null for the built-in defaults.</summary>
    public string? File { get; }

    /// <summary>The location of a key (e.g. `network`, `artifacts.max_files`), or of the file when the key was not written.</summary>
    public SourceLocation? Locate(string key) =>
        File is null ? null : new SourceLocation(File, _lines.TryGetValue(key, out var line) ? line : 0);
}
