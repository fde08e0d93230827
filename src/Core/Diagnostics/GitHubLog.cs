namespace SandboxBuild.Diagnostics;

/// <summary>
/// Log for a GitHub Actions step: errors and warnings become workflow annotations, and every other line goes
/// through <see cref="GitHubStepOutput"/>, so text from the repository or printed by untrusted code is shown but
/// can never be taken for a workflow command (`::add-mask::`, `::error::`, `::stop-commands::`, `##[set-output]`).
/// </summary>
public sealed class GitHubLog : ISandboxLog, IDisposable
{
    private readonly GitHubStepOutput _output;
    private readonly bool _verbose;
    private readonly string? _workspace;

    /// <param name="workspace">Annotation paths are made relative to it, as GitHub links them to the repository.</param>
    public GitHubLog(GitHubStepOutput output, bool verbose = false, string? workspace = null)
    {
        _output = output;
        _verbose = verbose;
        _workspace = workspace?.TrimEnd('/');
    }

    public GitHubLog(TextWriter output, bool verbose = false, string? workspace = null)
        : this(new GitHubStepOutput(output), verbose, workspace)
    {
    }

    public void Info(string message) => _output.Text(message);

    public void Detail(string message)
    {
        if (_verbose)
        {
            _output.Text(message);
        }
        else
        {
            _output.Command($"::debug::{EscapeData(message)}");
        }
    }

    public void Warning(SandboxCode code, string message, SourceLocation? location = null) => Annotate("warning", code, message, location);

    public void Error(SandboxCode code, string message, SourceLocation? location = null) => Annotate("error", code, message, location);

    public void Output(string line, OutputChannel stream) => _output.Untrusted(line);

    public void Dispose() => _output.Dispose();

    private void Annotate(string kind, SandboxCode code, string message, SourceLocation? location)
    {
        var properties = $"title={EscapeProperty($"{code.Id} {code.Title}")}";
        if (location is not null)
        {
            var file = _workspace is not null && location.File.StartsWith(_workspace + "/", StringComparison.Ordinal) ? location.File[(_workspace.Length + 1)..] : location.File;
            properties = $"file={EscapeProperty(file)}" + (location.Line > 0 ? $",line={location.Line}" : "") + "," + properties;
        }

        _output.Command($"::{kind} {properties}::{EscapeData($"{code.Id}: {message}")}");
    }

    // The runner's escaping rules for workflow command data and properties.
    internal static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    internal static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
