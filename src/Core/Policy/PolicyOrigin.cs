using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// Where a policy came from, and the file and line of each key, so a finding can point at it. A resolved
/// policy has several sources (the caller's file, the repository's sandbox.yml, repository settings); each key
/// points at the one that set it.
/// </summary>
public sealed class PolicyOrigin
{
    private readonly IReadOnlyDictionary<string, SourceLocation> _keys;

    public PolicyOrigin(string? file, IReadOnlyDictionary<string, int> lines)
        : this(file, file is null ? new Dictionary<string, SourceLocation>() : lines.ToDictionary(l => l.Key, l => new SourceLocation(file, l.Value), StringComparer.Ordinal))
    {
    }

    private PolicyOrigin(string? file, IReadOnlyDictionary<string, SourceLocation> keys)
    {
        File = file;
        _keys = keys;
    }

    public static PolicyOrigin BuiltIn { get; } = new(null, new Dictionary<string, int>());

    /// <summary>The policy file (the last one layered), or null for the built-in defaults.</summary>
    public string? File { get; }

    /// <summary>The keys this origin set (`network`, `tmpfs./tmp`, `env.set.NAME` ...).</summary>
    public IEnumerable<string> Keys => _keys.Keys;

    /// <summary>The location of a key (e.g. `network`, `artifacts.max_files`), or of the file when the key was not written.</summary>
    public SourceLocation? Locate(string key) =>
        _keys.TryGetValue(key, out var location) ? location : File is null ? null : new SourceLocation(File, 0);

    /// <summary>This origin with <paramref name="over"/>'s keys on top: a later layer's key points at the later file.</summary>
    public PolicyOrigin Then(PolicyOrigin over)
    {
        var keys = new Dictionary<string, SourceLocation>(_keys, StringComparer.Ordinal);
        foreach (var (key, location) in over._keys)
        {
            keys[key] = location;
        }

        return new PolicyOrigin(over.File ?? File, keys);
    }

    /// <summary>Only the given keys of this origin (the ones that took effect).</summary>
    public PolicyOrigin Only(Func<string, bool> keep) =>
        new(File, _keys.Where(k => keep(k.Key)).ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal));
}
