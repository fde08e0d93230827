using System.Text;

namespace SandboxBuild.Diagnostics;

/// <summary>
/// Shows text that came from the sandbox (file names, probe strings) without letting it act on the reader:
/// control characters, ANSI escapes and line breaks are shown escaped, so a name can never start a new
/// log line, become a workflow command (`::add-mask::`) or recolour a terminal.
/// </summary>
public static class SafeText
{
    public static string Escape(string value, int maxLength = 300)
    {
        var builder = new StringBuilder(Math.Min(value.Length, maxLength) + 8);
        foreach (var rune in value.EnumerateRunes())
        {
            if (builder.Length >= maxLength)
            {
                builder.Append('…');
                break;
            }

            switch (rune.Value)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\\': builder.Append("\\\\"); break;
                default:
                    if (Rune.IsControl(rune) || rune.Value is 0x2028 or 0x2029 or 0xFEFF or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069))
                    {
                        builder.Append(rune.Value <= 0xFF ? $"\\x{rune.Value:x2}" : $"\\u{rune.Value:x4}");
                    }
                    else
                    {
                        builder.Append(rune.ToString());
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Escapes raw bytes of a name that may not be valid UTF-8.</summary>
    public static string Escape(ReadOnlySpan<byte> raw, int maxLength = 300)
    {
        var builder = new StringBuilder();
        var rest = raw;
        while (!rest.IsEmpty && builder.Length < maxLength)
        {
            var status = Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                builder.Append(Escape(rune.ToString()));
            }
            else
            {
                builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{rest[0]:x2}");
                consumed = 1;
            }

            rest = rest[consumed..];
        }

        return builder.ToString();
    }

    /// <summary>Shows a secret's shape without the secret: its first characters and its length.</summary>
    public static string Mask(string secret)
    {
        var visible = secret.Length >= 16 ? 4 : Math.Min(2, secret.Length / 4);
        return $"{Escape(secret[..visible])}… ({secret.Length} chars)";
    }
}
