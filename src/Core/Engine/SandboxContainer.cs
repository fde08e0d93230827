using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>The result of one command run inside a sandbox.</summary>
public sealed record ExecResult(long ExitCode, string StdOut, string StdErr, TimeSpan Duration);

/// <summary>
/// One started sandbox container. Commands run in it through exec, with output streamed line by line and the
/// exit code passed through; the host ends it (kill, remove) whatever happens to the commands.
/// </summary>
public sealed class SandboxContainer : IAsyncDisposable
{
    private readonly EngineConnection _engine;
    private bool _removed;

    private SandboxContainer(EngineConnection engine, string id)
    {
        _engine = engine;
        Id = id;
    }

    public string Id { get; }

    public string ShortId => Id[..12];

    /// <summary>Keep the container after use (for `start`); by default disposing removes it.</summary>
    public bool KeepOnDispose { get; set; }

    public static async Task<SandboxContainer> StartAsync(EngineConnection engine, CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        CreateContainerResponse created;
        try
        {
            created = await engine.Client.Containers.CreateContainerAsync(RecursiveReadOnly.Apply(parameters, engine.ApiVersion), cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new SandboxException(Codes.EngineRequestFailed, $"The engine refused to create the sandbox: {FirstLine(e.ResponseBody)}");
        }

        var container = new SandboxContainer(engine, created.ID);
        try
        {
            await engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
        }
        catch (DockerApiException e)
        {
            await container.DisposeAsync();
            throw new SandboxException(Codes.EngineRequestFailed, $"The engine could not start the sandbox: {FirstLine(e.ResponseBody)}");
        }

        return container;
    }

    public static SandboxContainer Attach(EngineConnection engine, string id) => new(engine, id) { KeepOnDispose = true };

    /// <summary>The raw inspect, for tests and experts; the library itself reads <see cref="DescribeAsync"/>.</summary>
    public Task<ContainerInspectResponse> InspectAsync(CancellationToken cancellationToken) =>
        _engine.Client.Containers.InspectContainerAsync(Id, cancellationToken);

    public async Task<ContainerDescription> DescribeAsync(CancellationToken cancellationToken) =>
        new(await EngineException.Wrap(() => InspectAsync(cancellationToken), $"docker inspect {ShortId}"));

    /// <summary>Freezes every process of the sandbox (cgroup freezer): nothing inside runs or writes until <see cref="UnpauseAsync"/>.</summary>
    public Task PauseAsync() => EngineException.Wrap(() => _engine.Client.Containers.PauseContainerAsync(Id), $"docker pause {ShortId}");

    public async Task UnpauseAsync()
    {
        await EngineException.Wrap(() => _engine.Client.Containers.UnpauseContainerAsync(Id), $"docker unpause {ShortId}");
        // The engine answers before its own state says "running" again (Docker 20.10 clears the paused flag
        // from an event): an exec sent at once can be refused as "paused". Wait until it says so.
        for (var i = 0; i < 100 && (await InspectAsync(CancellationToken.None)).State?.Paused == true; i++)
        {
            await Task.Delay(10);
        }
    }

    /// <summary>Runs a command and collects its output (for the probe and other tools of our own).</summary>
    public Task<ExecResult> RunAsync(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment, string? workingDirectory, CancellationToken cancellationToken) =>
        ExecAsync(command, environment, workingDirectory, onLine: null, cancellationToken);

    /// <summary>Runs a command with each output line handed to <paramref name="onLine"/> as it arrives.</summary>
    public async Task<ExecResult> ExecAsync(
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string>? environment,
        string? workingDirectory,
        Action<string, OutputChannel>? onLine,
        CancellationToken cancellationToken)
    {
        try
        {
            return await ExecCoreAsync(command, environment, workingDirectory, onLine, cancellationToken);
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException)
        {
            throw new EngineException($"exec in sandbox {ShortId}: {EngineException.Describe(e)}", e);
        }
    }

    private async Task<ExecResult> ExecCoreAsync(
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string>? environment,
        string? workingDirectory,
        Action<string, OutputChannel>? onLine,
        CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var exec = await _engine.Client.Exec.CreateContainerExecAsync(Id, new ContainerExecCreateParameters
        {
            AttachStdout = true,
            AttachStderr = true,
            Cmd = command.ToList(),
            Env = environment?.Select(e => $"{e.Key}={e.Value}").ToList()!,
            WorkingDir = workingDirectory!,
        }, cancellationToken);

        var stdout = new LineSplitter(line => onLine?.Invoke(line, OutputChannel.StdOut), capture: onLine is null);
        var stderr = new LineSplitter(line => onLine?.Invoke(line, OutputChannel.StdErr), capture: onLine is null);
        using (var stream = await _engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters { Detach = false }, cancellationToken))
        {
            var buffer = new byte[81920];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
                if (read.EOF)
                {
                    break;
                }

                (read.Target == MultiplexedStream.TargetStream.StandardError ? stderr : stdout).Write(buffer.AsSpan(0, read.Count));
            }
        }

        stdout.Flush();
        stderr.Flush();
        var inspected = await _engine.Client.Exec.InspectContainerExecAsync(exec.ID, CancellationToken.None);
        if (inspected.ExitCode is null || inspected.Running)
        {
            // The stream ended without the process ending: the sandbox itself was stopped or removed.
            throw new IOException("The sandbox stopped while the command ran.");
        }

        return new ExecResult(inspected.ExitCode.Value, stdout.Captured, stderr.Captured, clock.Elapsed);
    }

    public async Task KillAsync()
    {
        try
        {
            await _engine.Client.Containers.KillContainerAsync(Id, new ContainerKillParameters { Signal = "SIGKILL" }, CancellationToken.None);
        }
        catch (DockerApiException)
        {
            // Already stopped or gone: the goal is reached.
        }
    }

    public async Task RemoveAsync()
    {
        if (_removed)
        {
            return;
        }

        _removed = true;
        try
        {
            await _engine.Client.Containers.RemoveContainerAsync(Id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
        }
        catch (DockerApiException e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict)
        {
            // Gone already, or being removed by someone else (`stop --all`): the goal is reached.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!KeepOnDispose)
        {
            await RemoveAsync();
        }
    }

    private static string FirstLine(string? text) => (text ?? "").Split('\n', 2)[0].Trim();

    /// <summary>Cuts a byte stream into UTF-8 lines; a partial line waits for its end.</summary>
    private sealed class LineSplitter(Action<string> onLine, bool capture)
    {
        private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
        private readonly StringBuilder _pending = new();
        private readonly StringBuilder _captured = new();

        public string Captured => _captured.ToString();

        public void Write(ReadOnlySpan<byte> bytes)
        {
            var chars = new char[_decoder.GetCharCount(bytes, flush: false)];
            _decoder.GetChars(bytes, chars, flush: false);
            if (capture)
            {
                _captured.Append(chars);
                return;
            }

            foreach (var c in chars)
            {
                if (c == '\n')
                {
                    Emit();
                }
                else
                {
                    _pending.Append(c);
                }
            }
        }

        public void Flush()
        {
            if (_pending.Length > 0)
            {
                Emit();
            }
        }

        private void Emit()
        {
            var line = _pending.ToString().TrimEnd('\r');
            _pending.Clear();
            onLine(line);
        }
    }
}
