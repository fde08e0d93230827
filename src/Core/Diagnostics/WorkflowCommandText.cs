namespace SandboxBuild.Diagnostics;

/// <summary>
/// The GitHub Actions runner's rules for what a log line is, as its source has them (actions/runner,
/// ProcessInvoker and ActionCommand): it reads output with StreamReader.ReadLine, so `\r`, `\n` and `\r\n` all
/// end a line; a line is a command when, after trimming leading whitespace (any Unicode space, not just two
/// blanks), it starts with `::` (TryParseV2), or when it contains the legacy `##[` anywhere (TryParse); command
/// names are matched ignoring case. Azure Pipelines' `##vso[` is disarmed too, for the same text in its logs.
/// </summary>
public static class WorkflowCommandText
{
    private static readonly string[] AnywhereForms = ["##[", "##vso["];

    /// <summary>The lines the runner will see in <paramref name="text"/>.</summary>
    public static string[] RunnerLines(string text) => text.Split(["\r\n", "\r", "\n"], StringSplitOptions.None);

    /// <summary>Whether the runner could take this one line for a workflow command.</summary>
    public static bool IsCommandLike(string line) =>
        line.TrimStart().StartsWith("::", StringComparison.Ordinal) || AnywhereForms.Any(f => line.Contains(f, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// One line made inert and still readable, for logs where a stop-commands fence cannot be relied on (MSBuild
    /// prints our lines with its own prefixes): the leading `::` becomes `: :` and every `##[` becomes `## [`.
    /// Visible characters, not zero-width ones: the runner compares culture-sensitively, which ignores those.
    /// </summary>
    public static string Disarm(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("::", StringComparison.Ordinal))
        {
            line = string.Concat(line.AsSpan(0, line.Length - trimmed.Length), ": :", trimmed.AsSpan(2));
        }

        foreach (var form in AnywhereForms)
        {
            line = line.Replace(form, string.Concat(form.AsSpan(0, form.Length - 1), " ["), StringComparison.OrdinalIgnoreCase);
        }

        return line;
    }

    /// <summary>Every runner line of <paramref name="text"/>, disarmed.</summary>
    public static IEnumerable<string> DisarmLines(string text) => RunnerLines(text).Select(Disarm);
}
