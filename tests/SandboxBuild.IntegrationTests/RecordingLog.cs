using System.Collections.Concurrent;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.IntegrationTests;

/// <summary>Keeps every message, so a test can assert on what a user was told (and by which code).</summary>
internal sealed class RecordingLog(Action<string>? onInfo = null) : ISandboxLog
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public void Info(string message)
    {
        _lines.Enqueue(message);
        onInfo?.Invoke(message);
    }

    public void Detail(string message) => _lines.Enqueue($"detail: {message}");

    public void Warning(SandboxCode code, string message, SourceLocation? location = null) => _lines.Enqueue($"warning {code.Id}: {message}");

    public void Error(SandboxCode code, string message, SourceLocation? location = null) => _lines.Enqueue($"error {code.Id}: {message}");

    public void Output(string line, OutputChannel stream) => _lines.Enqueue($"output: {line}");
}
