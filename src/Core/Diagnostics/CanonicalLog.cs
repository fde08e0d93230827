namespace SandboxBuild.Diagnostics;

/// <summary>
/// MSBuild's canonical message format (`file(line): error SBX2001: message`), which MSBuild's ToolTask and
/// Exec turn into real errors and warnings with codes. Used when the CLI runs under the MSBuild tasks.
/// </summary>
public sealed class CanonicalLog(TextWriter output, bool verbose = false) : ISandboxLog
{
    public void Info(string message) => output.WriteLine($"SandboxBuild: {message}");

    public void Detail(string message)
    {
        if (verbose)
        {
            output.WriteLine($"SandboxBuild: [detail] {message}");
        }
    }

    public void Warning(SandboxCode code, string message, SourceLocation? location = null) =>
        output.WriteLine($"{Origin(location)}: warning {code.Id}: {Flatten(message)}");

    public void Error(SandboxCode code, string message, SourceLocation? location = null) =>
        output.WriteLine($"{Origin(location)}: error {code.Id}: {Flatten(message)}");

    public void Output(string line, OutputChannel stream) => output.WriteLine(line);

    private static string Origin(SourceLocation? location) =>
        location is null ? "SandboxBuild" : location.Line > 0 ? $"{location.File}({location.Line})" : location.File;

    private static string Flatten(string message) => message.ReplaceLineEndings(" ");
}
