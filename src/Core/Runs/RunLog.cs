using SandboxBuild.Diagnostics;

namespace SandboxBuild.Runs;

/// <summary>
/// Passes everything to the user's log and keeps a copy in the run's log file, so a run that times out or is
/// killed still leaves its whole output behind (`sandboxbuild logs`).
/// </summary>
public sealed class RunLog(ISandboxLog inner, string path) : ISandboxLog, IDisposable
{
    private readonly StreamWriter _file = new(new FileStream(path, new FileStreamOptions
    {
        Mode = FileMode.Append,
        Access = FileAccess.Write,
        Share = FileShare.Read,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    })) { AutoFlush = true };
    private readonly Lock _gate = new();

    public string Path => path;

    public void Info(string message)
    {
        Write(message);
        inner.Info(message);
    }

    public void Detail(string message)
    {
        Write($"  {message}");
        inner.Detail(message);
    }

    public void Warning(SandboxCode code, string message, SourceLocation? location = null)
    {
        Write($"warning {code.Id}: {message}");
        inner.Warning(code, message, location);
    }

    public void Error(SandboxCode code, string message, SourceLocation? location = null)
    {
        Write($"error {code.Id}: {message}");
        inner.Error(code, message, location);
    }

    public void Output(string line, OutputChannel stream)
    {
        Write(line);
        inner.Output(line, stream);
    }

    public void Dispose() => _file.Dispose();

    private void Write(string line)
    {
        lock (_gate)
        {
            _file.WriteLine(line);
        }
    }
}
