using System.CommandLine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Runs;

namespace SandboxBuild.Cli;

/// <summary>
/// Runs one command's action: picks the log for where we are (terminal, MSBuild, GitHub Actions) and turns
/// every failure into one coded message and an exit code, never a stack trace.
/// </summary>
internal static class CommandHost
{
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show inputs and details (restore output, the full check table).",
        Recursive = true,
    };

    public static readonly Option<string?> LogFormat = new("--log-format")
    {
        Description = "console, msbuild (canonical `error SBX2001:` lines) or github (workflow annotations). Default: github under GitHub Actions, else console.",
        Recursive = true,
    };

    public static void SetAction(Command command, Func<ParseResult, ISandboxLog, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var log = CreateLog(parseResult.GetValue(LogFormat), parseResult.GetValue(Verbose));
            try
            {
                return await action(parseResult, log, cancellationToken);
            }
            catch (SandboxException e)
            {
                log.Report(e);
                return e.Code == Codes.PolicyInvalid || e.Code == Codes.InvalidInput ? ExitCodes.Usage : ExitCodes.SandboxError;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                log.Error(Codes.Killed, "Cancelled; sandboxes of this run were removed.");
                return ExitCodes.Cancelled;
            }
            catch (Exception e)
            {
                log.Error(Codes.InternalError, $"{e.GetType().Name}: {e.Message}{(parseResult.GetValue(Verbose) ? Environment.NewLine + e : "")}");
                return ExitCodes.SandboxError;
            }
            finally
            {
                (log as IDisposable)?.Dispose();
            }
        });
    }

    public static int ReportParseErrors(ParseResult parsed)
    {
        var log = CreateLog(parsed.GetValue(LogFormat), verbose: false);
        foreach (var error in parsed.Errors)
        {
            log.Error(Codes.InvalidInput, $"{error.Message} Run `sandboxbuild {string.Join(' ', parsed.CommandResult.Command.Name)} --help` for its options.");
        }

        (log as IDisposable)?.Dispose();
        return ExitCodes.Usage;
    }

    public static ISandboxLog CreateLog(string? format, bool verbose)
    {
        format ??= Environment.GetEnvironmentVariable("SANDBOXBUILD_LOG_FORMAT");
        format ??= Environment.GetEnvironmentVariable("GITHUB_ACTIONS") == "true" ? "github" : "console";
        return format switch
        {
            "msbuild" => new CanonicalLog(Console.Out, verbose, CanonicalLog.UnderCommandParsingRunner(Environment.GetEnvironmentVariable)),
            "github" => new GitHubLog(GitHubConsole(), verbose, Environment.GetEnvironmentVariable("GITHUB_WORKSPACE")),
            _ => ConsoleLog.Standard(verbose),
        };
    }

    // Under the runner, nothing printed to the console may issue a workflow command but the log's own: standard
    // output and error both go through one step output (one fence state: the runner reads both streams into one
    // command processor, so a fence on one stream must not be closed by the other), which fences any line the
    // runner would parse. The log disposes it, closing any fence.
    private static GitHubStepOutput GitHubConsole()
    {
        var output = new GitHubStepOutput(Console.Out);
        Console.SetOut(output.Writer);
        Console.SetError(output.Writer);
        return output;
    }
}
