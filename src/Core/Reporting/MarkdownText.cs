using System.Text;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Reporting;

/// <summary>
/// Untrusted text (file names, test names, sandbox.yml paths, probe strings) as inert GitHub-flavoured Markdown:
/// control characters and line breaks shown escaped (a `\r` or `\n` would end a table row), and every ASCII
/// punctuation character Markdown gives a meaning backslash-escaped, so a name cannot split a table cell (`|`,
/// or `\|` whose backslash escapes ours), open a code span (backticks), or become a link, an image, HTML, an
/// entity, math, a mention or emphasis.
/// </summary>
public static class MarkdownText
{
    private const string Significant = "\\`*_{}[]()<>#+-.!|~&:@$^=\"'";

    public static string Inline(string untrusted, int maxLength = 300)
    {
        var shown = SafeText.Escape(untrusted, maxLength);
        var builder = new StringBuilder(shown.Length + 16);
        foreach (var c in shown)
        {
            if (Significant.Contains(c, StringComparison.Ordinal))
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
