using System.Security.Cryptography;

namespace SandboxBuild.Diagnostics;

/// <summary>
/// Log for a GitHub Actions step: errors and warnings become workflow annotations, and the sandboxed
/// command's output is fenced with `::stop-commands::` under a random token, so text printed by untrusted
/// code can never be taken as a workflow command (`::add-mask::`, `::error::`, `::stop-commands::` ...).
/// </summary>
public sealed class GitHubLog : ISandboxLog, IDisposable
{
    private readonly TextWriter _output;
    private readonly bool _verbose;
    private readonly string? _workspace;
    private string? _fenceToken;

    /// <param name="workspace">Annotation paths are made relative to it, as GitHub links them to the repository.</param>
    public GitHubLog(TextWriter output, bool verbose = false, string? workspace = null)
    {
        _output = output;
        _verbose = verbose;
        _workspace = workspace?.TrimEnd('/');
    }

    public void Info(string message)
    {
        CloseFence();
        // Our own messages never start a line with "::"; one that would (a name from the repository, say)
        // is shifted so the runner cannot take it for a workflow command.
        foreach (var line in message.ReplaceLineEndings("\n").Split('\n'))
        {
            _output.WriteLine(line.StartsWith("::", StringComparison.Ordinal) ? $"  {line}" : line);
        }
    }

    public void Detail(string message)
    {
        CloseFence();
        _output.WriteLine(_verbose ? message : $"::debug::{EscapeData(message)}");
    }

    public void Warning(SandboxCode code, string message, SourceLocation? location = null) => Annotate("warning", code, message, location);

    public void Error(SandboxCode code, string message, SourceLocation? location = null) => Annotate("error", code, message, location);

    public void Output(string line, OutputChannel stream)
    {
        if (_fenceToken is null)
        {
            _fenceToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _output.WriteLine($"::stop-commands::{_fenceToken}");
        }

        _output.WriteLine(line);
    }

    public void Dispose() => CloseFence();

    private void Annotate(string kind, SandboxCode code, string message, SourceLocation? location)
    {
        CloseFence();
        var properties = $"title={EscapeProperty($"{code.Id} {code.Title}")}";
        if (location is not null)
        {
            var file = _workspace is not null && location.File.StartsWith(_workspace + "/", StringComparison.Ordinal) ? location.File[(_workspace.Length + 1)..] : location.File;
            properties = $"file={EscapeProperty(file)}" + (location.Line > 0 ? $",line={location.Line}" : "") + "," + properties;
        }

        _output.WriteLine($"::{kind} {properties}::{EscapeData($"{code.Id}: {message}")}");
    }

    private void CloseFence()
    {
        if (_fenceToken is not null)
        {
            _output.WriteLine($"::{_fenceToken}::");
            _fenceToken = null;
        }
    }

    // The runner's escaping rules for workflow command data and properties.
    internal static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    internal static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
