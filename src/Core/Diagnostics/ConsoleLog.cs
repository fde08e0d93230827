namespace SandboxBuild.Diagnostics;

/// <summary>Human-readable log for a terminal or a plain CI log.</summary>
public sealed class ConsoleLog(TextWriter output, TextWriter error, bool verbose = false) : ISandboxLog
{
    public static ConsoleLog Standard(bool verbose = false) => new(Console.Out, Console.Error, verbose);

    public void Info(string message) => output.WriteLine(message);

    public void Detail(string message)
    {
        if (verbose)
        {
            output.WriteLine($"  {message}");
        }
    }

    public void Warning(SandboxCode code, string message, SourceLocation? location = null) =>
        error.WriteLine($"{Prefix(location)}warning {code.Id}: {message}");

    public void Error(SandboxCode code, string message, SourceLocation? location = null) =>
        error.WriteLine($"{Prefix(location)}error {code.Id}: {message}");

    public void Output(string line, OutputChannel stream) =>
        (stream == OutputChannel.StdErr ? error : output).WriteLine(line);

    private static string Prefix(SourceLocation? location) => location is null ? "" : $"{location}: ";
}
