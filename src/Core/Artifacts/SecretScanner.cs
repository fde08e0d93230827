using System.Buffers;
using System.Text;
using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;

namespace SandboxBuild.Artifacts;

public sealed record SecretHit(string Rule, string Title, long Line, string Masked);

/// <summary>
/// Finds credentials in bytes: the known shapes of <see cref="SecretRules"/>, and exact canaries (the real
/// values of credentials the host side holds, with their encodings, see <see cref="CanaryForms"/>). A
/// vectorised search for anchors runs over everything; the confirming pattern runs only around an anchor,
/// on a bounded window and without allocating. Bytes are read as Latin-1, so binaries and any encoding are
/// scanned the same way, byte for byte.
/// </summary>
public sealed class SecretScanner
{
    /// <summary>What a chunked scan keeps from one chunk for the next: enough history before an anchor and room after it.</summary>
    public const int Overlap = SecretRule.MaxBefore + SecretRule.MaxAfter;

    private static readonly string[] ConfigExtensions =
    [
        ".json", ".config", ".xml", ".yml", ".yaml", ".ini", ".env", ".properties", ".toml", ".settings", ".conf", ".cfg", ".cnf", ".props",
        ".targets", ".runsettings", ".publishsettings", ".pubxml", ".tfvars", ".tfstate", ".npmrc", ".pypirc", ".netrc", ".git-credentials",
    ];

    private static readonly string[] ConfigNames = ["credentials", "config", "_netrc", ".npmrc", ".pypirc", ".netrc", ".git-credentials", ".pgpass"];

    // Per kind of file, so a report does not pay for the anchors of config-only rules ("password", "://").
    private static readonly AnchorSet[] ConfigAnchors = AnchorSet.For(SecretRules.All);
    private static readonly AnchorSet[] OtherAnchors = AnchorSet.For(SecretRules.All.Where(r => !r.ConfigFilesOnly));

    private readonly string[] _canaries;
    private readonly SearchValues<string>? _canarySearch;

    public SecretScanner(IEnumerable<string> canaryValues)
    {
        _canaries = CanaryForms.For(canaryValues);
        _canarySearch = _canaries.Length > 0 ? SearchValues.Create(_canaries, StringComparison.Ordinal) : null;
    }

    public static bool IsConfigFile(string name)
    {
        var file = Path.GetFileName(name);
        return ConfigExtensions.Any(e => file.EndsWith(e, StringComparison.OrdinalIgnoreCase)) || file.StartsWith(".env", StringComparison.Ordinal)
            || ConfigNames.Contains(file, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Scans a whole text (the last or only chunk).</summary>
    public void Scan(ReadOnlySpan<byte> bytes, int scanFrom, bool configFile, long firstLine, List<SecretHit> hits) =>
        ScanChunk(bytes, scanFrom, final: true, configFile, firstLine, hits);

    /// <summary>
    /// Scans one chunk of a longer stream for anchors at or after <paramref name="scanFrom"/>. Unless the chunk is
    /// <paramref name="final"/>, an anchor too close to its end to be confirmed is left for the next chunk, which
    /// must start with the last <see cref="Overlap"/> bytes of this one. Returns where the next scan continues.
    /// </summary>
    public int ScanChunk(ReadOnlySpan<byte> bytes, int scanFrom, bool final, bool configFile, long firstLine, List<SecretHit> hits)
    {
        var buffer = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var text = buffer.AsSpan(0, Encoding.Latin1.GetChars(bytes, buffer));
            var until = final ? text.Length : Math.Max(scanFrom, text.Length - SecretRule.MaxAfter);
            var next = until;
            foreach (var anchors in configFile ? ConfigAnchors : OtherAnchors)
            {
                next = Math.Max(next, ScanWith(text, scanFrom, until, anchors, firstLine, hits));
            }

            if (_canarySearch is not null)
            {
                next = Math.Max(next, ScanCanaries(text, scanFrom, until, firstLine, hits));
            }

            return next;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    // Returns the end of the last match, so an overlapping chunk does not report it twice.
    private static int ScanWith(ReadOnlySpan<char> text, int from, int until, AnchorSet anchors, long firstLine, List<SecretHit> hits)
    {
        var position = from;
        var lastEnd = 0;
        while (position < until)
        {
            // Searched to the end, so an anchor that starts before `until` and ends after it is still seen here.
            var found = text[position..].IndexOfAny(anchors.Search);
            if (found < 0 || position + found >= until)
            {
                break;
            }

            var at = position + found;
            position = at + 1;
            foreach (var rule in anchors.RulesAt(text, at))
            {
                if (!text[at..].StartsWith(rule.Anchor, anchors.Comparison))
                {
                    continue;
                }

                if (rule.TryMatchAt(text, at, out var index, out var length))
                {
                    hits.Add(new SecretHit(rule.Id, rule.Title, firstLine + text[..index].Count('\n'), SafeText.Mask(text.Slice(index, length).ToString())));
                    position = lastEnd = index + length;
                    break;
                }
            }
        }

        return lastEnd;
    }

    private int ScanCanaries(ReadOnlySpan<char> text, int from, int until, long firstLine, List<SecretHit> hits)
    {
        var position = from;
        var lastEnd = 0;
        while (position < until)
        {
            var found = text[position..].IndexOfAny(_canarySearch!);
            if (found < 0 || position + found >= until)
            {
                break;
            }

            var at = position + found;
            var canary = _canaries[0];
            foreach (var candidate in _canaries)
            {
                if (text[at..].StartsWith(candidate, StringComparison.Ordinal))
                {
                    canary = candidate;
                    break;
                }
            }

            hits.Add(new SecretHit("host-credential", "A credential of the host (its value, reversed, or an encoding of it)", firstLine + text[..at].Count('\n'), SafeText.Mask(canary)));
            position = lastEnd = at + canary.Length;
        }

        return lastEnd;
    }

    /// <summary>The anchors of one casing, and their rules by first character, so an anchor is matched to its few rules at once.</summary>
    private sealed class AnchorSet
    {
        private readonly Dictionary<char, SecretRule[]> _byFirst;
        private readonly bool _ignoreCase;

        private AnchorSet(SecretRule[] rules, bool ignoreCase)
        {
            _ignoreCase = ignoreCase;
            Comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            Search = SearchValues.Create(rules.Select(r => r.Anchor).Distinct().ToArray(), Comparison);
            _byFirst = rules.GroupBy(r => Key(r.Anchor[0])).ToDictionary(g => g.Key, g => g.ToArray());
        }

        public SearchValues<string> Search { get; }

        /// <summary>One set per casing: the vectorised search takes one comparison mode.</summary>
        public static AnchorSet[] For(IEnumerable<SecretRule> rules) =>
            rules.GroupBy(r => r.AnchorIgnoresCase).Select(g => new AnchorSet(g.ToArray(), g.Key)).ToArray();

        public StringComparison Comparison { get; }

        public SecretRule[] RulesAt(ReadOnlySpan<char> text, int at) => _byFirst.TryGetValue(Key(text[at]), out var rules) ? rules : [];

        private char Key(char c) => _ignoreCase ? char.ToLowerInvariant(c) : c;
    }
}
