using System.Buffers;
using System.Text;
using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;

namespace SandboxBuild.Artifacts;

public sealed record SecretHit(string Rule, string Title, long Line, string Masked);

/// <summary>
/// Finds credentials in bytes: the known shapes of <see cref="SecretRules"/>, and exact canaries (the real
/// values of credentials the host side holds, with their base64, hex and URL encodings). A vectorised search
/// for anchors runs over everything; the confirming pattern runs only around an anchor. Bytes are read as
/// Latin-1, so binaries and any encoding are scanned the same way, byte for byte.
/// </summary>
public sealed class SecretScanner
{
    /// <summary>How far around an anchor the confirming pattern looks; also the overlap between chunks.</summary>
    public const int Window = 512;

    private static readonly string[] ConfigExtensions =
        [".json", ".config", ".xml", ".yml", ".yaml", ".ini", ".env", ".properties", ".toml", ".settings", ".conf", ".cfg", ".props", ".targets"];

    private readonly SearchValues<string> _caseSensitive;
    private readonly SearchValues<string> _ignoreCase;
    private readonly string[] _canaries;
    private readonly SearchValues<string>? _canarySearch;

    public SecretScanner(IEnumerable<string> canaryValues)
    {
        _caseSensitive = SearchValues.Create(SecretRules.All.Where(r => !r.AnchorIgnoresCase).Select(r => r.Anchor).Distinct().ToArray(), StringComparison.Ordinal);
        _ignoreCase = SearchValues.Create(SecretRules.All.Where(r => r.AnchorIgnoresCase).Select(r => r.Anchor).Distinct().ToArray(), StringComparison.OrdinalIgnoreCase);
        _canaries = canaryValues.Where(v => v.Length >= 8).SelectMany(CanaryForms).Distinct(StringComparer.Ordinal).ToArray();
        _canarySearch = _canaries.Length > 0 ? SearchValues.Create(_canaries, StringComparison.Ordinal) : null;
    }

    public static bool IsConfigFile(string name) =>
        ConfigExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)) || Path.GetFileName(name).StartsWith(".env", StringComparison.Ordinal);

    /// <summary>Scans one chunk. <paramref name="scanFrom"/> skips the overlap already scanned with the previous chunk.</summary>
    public void Scan(ReadOnlySpan<byte> bytes, int scanFrom, bool configFile, long firstLine, List<SecretHit> hits)
    {
        var buffer = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            var text = buffer.AsSpan(0, Encoding.Latin1.GetChars(bytes, buffer));
            ScanWith(text, scanFrom, _caseSensitive, configFile, firstLine, hits);
            ScanWith(text, scanFrom, _ignoreCase, configFile, firstLine, hits);
            if (_canarySearch is not null)
            {
                ScanCanaries(text, scanFrom, firstLine, hits);
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private static void ScanWith(ReadOnlySpan<char> text, int from, SearchValues<string> anchors, bool configFile, long firstLine, List<SecretHit> hits)
    {
        var position = from;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(anchors);
            if (found < 0)
            {
                return;
            }

            var at = position + found;
            var start = Math.Max(0, at - 64);
            var window = text[start..Math.Min(text.Length, at + Window - 64)].ToString();
            foreach (var rule in SecretRules.All)
            {
                if ((rule.ConfigFilesOnly && !configFile)
                    || !text[at..].StartsWith(rule.Anchor, rule.AnchorIgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
                {
                    continue;
                }

                var match = rule.Pattern.Match(window);
                if (match.Success && start + match.Index + match.Length > at)
                {
                    hits.Add(new SecretHit(rule.Id, rule.Title, firstLine + text[..(start + match.Index)].Count('\n'), SafeText.Mask(match.Value)));
                    position = start + match.Index + match.Length;
                    goto next;
                }
            }

            position = at + 1;
        next:;
        }
    }

    private void ScanCanaries(ReadOnlySpan<char> text, int from, long firstLine, List<SecretHit> hits)
    {
        var position = from;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(_canarySearch!);
            if (found < 0)
            {
                return;
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

            hits.Add(new SecretHit("host-credential", "A credential of the host (exact value or an encoding of it)", firstLine + text[..at].Count('\n'), SafeText.Mask(canary)));
            position = at + canary.Length;
        }
    }

    /// <summary>The value and its encodings; for base64, the part that stays the same at every byte offset.</summary>
    internal static IEnumerable<string> CanaryForms(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        yield return value;
        yield return Convert.ToHexStringLower(bytes);
        yield return Convert.ToHexString(bytes);
        var escaped = Uri.EscapeDataString(value);
        if (escaped != value)
        {
            yield return escaped;
        }

        for (var offset = 0; offset < 3; offset++)
        {
            var encoded = Convert.ToBase64String([.. new byte[offset], .. bytes]);
            // Drop the characters that depend on the bytes before and after the value.
            var skip = offset == 0 ? 0 : (offset * 4 / 3) + 1;
            var core = encoded[skip..^4];
            if (core.Length >= 8)
            {
                yield return core;
                yield return core.Replace('+', '-').Replace('/', '_');
            }
        }
    }
}
