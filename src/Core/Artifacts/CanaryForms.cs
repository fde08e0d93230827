using System.Text;

namespace SandboxBuild.Artifacts;

/// <summary>
/// The strings that give away a known secret value: the value, reversed, hex, URL-encoded and base64 (at
/// every byte offset, standard and URL-safe). Every form is one more string the scan looks for in every
/// published byte, so encodings of the reverse are left out: that is a deliberate leak, not a careless one,
/// and no scan stops those. Long forms are cut into
/// 64-character pieces, so any part of 128 characters or more is found, and no piece outgrows a scan window.
/// </summary>
public static class CanaryForms
{
    public const int MinimumLength = 8;

    private const int PieceLength = 64;

    public static string[] For(IEnumerable<string> values) =>
        values.Where(IsWorthWatching).SelectMany(Of).SelectMany(Pieces).Where(f => f.Length >= MinimumLength).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Short values, numbers, booleans and paths are not watched: a secret-named variable holding `/run/user/1000/ssh-agent`
    /// or `true` is not a secret, and every artifact that mentions such a value would be blocked for nothing.
    /// </summary>
    public static bool IsWorthWatching(string value) =>
        value.Length >= MinimumLength && !value.StartsWith('/') && !value.StartsWith('~') && !bool.TryParse(value, out _) && !value.All(char.IsAsciiDigit);

    internal static IEnumerable<string> Of(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        yield return value;
        yield return Reverse(value);
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
            if (core.Length >= MinimumLength)
            {
                yield return core;
                yield return core.Replace('+', '-').Replace('/', '_');
            }
        }
    }

    private static string Reverse(string value) => string.Create(value.Length, value, (span, v) =>
    {
        v.CopyTo(span);
        span.Reverse();
    });

    private static IEnumerable<string> Pieces(string form)
    {
        if (form.Length <= PieceLength)
        {
            yield return form;
            yield break;
        }

        for (var start = 0; start + PieceLength <= form.Length; start += PieceLength)
        {
            yield return form.Substring(start, PieceLength);
        }

        yield return form[^PieceLength..];
    }
}
