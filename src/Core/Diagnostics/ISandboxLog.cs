namespace SandboxBuild.Diagnostics;

public enum OutputChannel
{
    StdOut,
    StdErr,
}

/// <summary>
/// The one logging surface of the library. The CLI writes it to the console, the MSBuild tasks read it as
/// canonical `error SBXnnnn:` lines, and the action turns it into workflow annotations.
/// </summary>
public interface ISandboxLog
{
    /// <summary>Progress and results a user wants to see.</summary>
    void Info(string message);

    /// <summary>Inputs and internals, shown only when asked for (MSBuild low importance, --verbose).</summary>
    void Detail(string message);

    void Warning(SandboxCode code, string message, SourceLocation? location = null);

    void Error(SandboxCode code, string message, SourceLocation? location = null);

    /// <summary>One line of output of the sandboxed command. It is untrusted text.</summary>
    void Output(string line, OutputChannel stream);
}

public static class SandboxLogExtensions
{
    public static void Report(this ISandboxLog log, SandboxException e)
    {
        if (e.Problems.Count <= 1)
        {
            log.Error(e.Code, $"{e.Message} Fix: {e.Hint}", e.Location);
            return;
        }

        foreach (var (message, location) in e.Problems)
        {
            log.Error(e.Code, message, location);
        }

        log.Info($"Fix: {e.Hint}");
    }

    public static void Report(this ISandboxLog log, SandboxCode code, string message, SourceLocation? location = null)
    {
        switch (code.Severity)
        {
            case Severity.Error:
                log.Error(code, message, location);
                break;
            case Severity.Warning:
                log.Warning(code, message, location);
                break;
            default:
                log.Info($"{code.Id}: {message}");
                break;
        }
    }
}
