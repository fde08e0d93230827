namespace SandboxBuild.Diagnostics;

/// <summary>
/// MSBuild's canonical message format (`file(line): error SBX2001: message`), which MSBuild's ToolTask and
/// Exec turn into real errors and warnings with codes. Used when the CLI runs under the MSBuild tasks.
/// Under a CI runner that reads workflow commands from the log (<paramref name="disarm"/>), MSBuild prints
/// our lines into that log with its own prefixes, where no stop-commands fence holds: every line that could
/// be taken for a command is disarmed (<see cref="WorkflowCommandText.Disarm"/>).
/// </summary>
public sealed class CanonicalLog(TextWriter output, bool verbose = false, bool disarm = false) : ISandboxLog
{
    /// <summary>Whether this process's output lands in a CI log that parses workflow commands.</summary>
    public static bool UnderCommandParsingRunner(Func<string, string?> environment) =>
        environment("GITHUB_ACTIONS") == "true" || string.Equals(environment("TF_BUILD"), "true", StringComparison.OrdinalIgnoreCase);

    public void Info(string message) => Write($"SandboxBuild: {message}");

    public void Detail(string message)
    {
        if (verbose)
        {
            Write($"SandboxBuild: [detail] {message}");
        }
    }

    public void Warning(SandboxCode code, string message, SourceLocation? location = null) =>
        Write($"{Origin(location)}: warning {code.Id}: {Flatten(message)}");

    public void Error(SandboxCode code, string message, SourceLocation? location = null) =>
        Write($"{Origin(location)}: error {code.Id}: {Flatten(message)}");

    public void Output(string line, OutputChannel stream) => Write(line);

    private void Write(string text)
    {
        if (!disarm)
        {
            output.WriteLine(text);
            return;
        }

        foreach (var line in WorkflowCommandText.DisarmLines(text))
        {
            output.WriteLine(line);
        }
    }

    private static string Origin(SourceLocation? location) =>
        location is null ? "SandboxBuild" : location.Line > 0 ? $"{location.File}({location.Line})" : location.File;

    private static string Flatten(string message) => message.ReplaceLineEndings(" ");
}
