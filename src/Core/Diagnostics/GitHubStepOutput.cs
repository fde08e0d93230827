using System.Security.Cryptography;
using System.Text;

namespace SandboxBuild.Diagnostics;

/// <summary>
/// The one writer of a GitHub Actions step's log. Only <see cref="Command"/> can issue a workflow command.
/// Everything else is shown verbatim but inert: untrusted output always inside a `::stop-commands::` fence,
/// and any other line the runner could take for a command (a file or test name from the repository, JSON with
/// such a name in it) inside a fence of its own. Each fence has a fresh 128-bit token that is never reused,
/// so a token seen once (or guessed) cannot end a later fence; and a fence is closed before the next command
/// and on dispose, because the runner's stop state outlives the step and would silence the next ones.
/// </summary>
public sealed class GitHubStepOutput : IDisposable
{
    private readonly TextWriter _raw;
    private readonly Lock _lock = new();
    private string? _fence;

    public GitHubStepOutput(TextWriter raw)
    {
        _raw = raw;
        Writer = new LineWriter(this);
    }

    /// <summary>A writer for Console.SetOut: every line written to it goes through <see cref="Text"/>.</summary>
    public TextWriter Writer { get; }

    /// <summary>Our own workflow command (an annotation, `::debug::`), outside any fence.</summary>
    public void Command(string command)
    {
        lock (_lock)
        {
            CloseFence();
            _raw.WriteLine(command);
        }
    }

    /// <summary>Text of ours that may carry repository text: shown as is, fenced where the runner would parse it.</summary>
    public void Text(string text)
    {
        lock (_lock)
        {
            foreach (var line in WorkflowCommandText.RunnerLines(text))
            {
                if (WorkflowCommandText.IsCommandLike(line))
                {
                    OpenFence();
                }
                else
                {
                    CloseFence();
                }

                _raw.WriteLine(line);
            }
        }
    }

    /// <summary>A line of the sandboxed command's output: always inside a fence.</summary>
    public void Untrusted(string line)
    {
        lock (_lock)
        {
            OpenFence();
            _raw.WriteLine(line);
        }
    }

    public void Dispose()
    {
        ((LineWriter)Writer).FlushPending();
        lock (_lock)
        {
            CloseFence();
            _raw.Flush();
        }
    }

    internal static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    private void OpenFence()
    {
        if (_fence is null)
        {
            _fence = NewToken();
            _raw.WriteLine($"::stop-commands::{_fence}");
        }
    }

    private void CloseFence()
    {
        if (_fence is not null)
        {
            _raw.WriteLine($"::{_fence}::");
            _fence = null;
        }
    }

    /// <summary>Collects whole lines: a partial line is judged only once it is complete, as the runner reads it.</summary>
    private sealed class LineWriter(GitHubStepOutput owner) : TextWriter
    {
        private readonly StringBuilder _pending = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            string? line = null;
            lock (_pending)
            {
                if (value == '\n')
                {
                    line = _pending.ToString();
                    _pending.Clear();
                }
                else
                {
                    _pending.Append(value);
                }
            }

            if (line is not null)
            {
                owner.Text(line);
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }

        public void FlushPending()
        {
            string line;
            lock (_pending)
            {
                line = _pending.ToString();
                _pending.Clear();
            }

            if (line.Length > 0)
            {
                owner.Text(line);
            }
        }
    }
}
