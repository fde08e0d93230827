using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SandboxBuild.Probing;

/// <summary>
/// `test-module`: builds one test module (project and target framework) inside the sandbox and runs it the
/// way MTP-mode `dotnet test` would, with this process in the SDK's place as the server of its pipe. Every
/// request the module sends is recorded to a file in the output folder and answered as the SDK answers it;
/// the host replays the record to the real SDK only after the collector has checked it. Nothing here is
/// trusted by the host: the module runs beside this process with the same rights.
/// </summary>
internal static class TestModuleRun
{
    public static int Run(string[] args)
    {
        var separator = Array.IndexOf(args, "--");
        var options = separator < 0 ? args : args[..separator];
        var moduleArguments = separator < 0 ? [] : args[(separator + 1)..];
        string? project = null, configuration = null, framework = null, runtime = null, record = null;
        for (var i = 0; i + 1 < options.Length; i += 2)
        {
            switch (options[i])
            {
                case "--project": project = options[i + 1]; break;
                case "--configuration": configuration = options[i + 1]; break;
                case "--framework": framework = options[i + 1]; break;
                case "--runtime": runtime = options[i + 1]; break;
                case "--record": record = options[i + 1]; break;
                default: throw new ArgumentException($"unknown argument '{options[i]}'");
            }
        }

        if (project is null || record is null)
        {
            throw new ArgumentException("--project and --record are required");
        }

        var properties = Path.Combine(Path.GetTempPath(), $"sandboxbuild-run-{Environment.ProcessId}.json");
        var build = new List<string> { "build", project, "--no-restore", "-nologo", "-t:Build;ComputeRunArguments",
            "-getProperty:RunCommand", "-getProperty:RunArguments", "-getProperty:RunWorkingDirectory", $"-getResultOutputFile:{properties}" };
        AddIf(build, "-c", configuration);
        AddIf(build, "-f", framework);
        AddIf(build, "-r", runtime);
        var built = Start("dotnet", build, null);
        built.WaitForExit();
        if (built.ExitCode != 0)
        {
            Console.Error.WriteLine($"sandboxbuild: building {project} failed (exit {built.ExitCode}); the test module did not start.");
            return built.ExitCode;
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(properties));
        var run = document.RootElement.GetProperty("Properties");
        var command = run.GetProperty("RunCommand").GetString() ?? "";
        var arguments = run.GetProperty("RunArguments").GetString() ?? "";
        var workingDirectory = run.TryGetProperty("RunWorkingDirectory", out var w) && w.GetString() is { Length: > 0 } wd ? wd : Environment.CurrentDirectory;
        return RunModule(command, arguments, moduleArguments, workingDirectory, record);
    }

    private static int RunModule(string command, string runArguments, string[] moduleArguments, string workingDirectory, string recordPath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(recordPath)!);
        using var record = new FileStream(recordPath, FileMode.Create, FileAccess.Write, FileShare.Read);
        TestRecord.WriteHeader(record);
        var socketPath = Path.Combine(Path.GetTempPath(), $"sandboxbuild-pipe-{Guid.NewGuid():N}");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(16);
        using var stop = new CancellationTokenSource();
        var recorder = new PipeRecorder(record);
        var accepting = recorder.AcceptAsync(listener, stop.Token);

        var line = new StringBuilder(runArguments.Trim());
        foreach (var argument in moduleArguments.Concat(["--server", "dotnettestcli", "--dotnet-test-pipe", socketPath]))
        {
            line.Append(' ').Append(CommandLine.Escape(argument));
        }

        var start = new ProcessStartInfo(command, line.ToString()) { UseShellExecute = false, WorkingDirectory = workingDirectory };
        start.Environment["DOTNET_CLI_TEST_COMMAND_WORKING_DIRECTORY"] = Environment.CurrentDirectory;
        using var module = Process.Start(start)!;
        module.WaitForExit();

        // The module has ended; its connections end with it. Give their last replies a moment, then stop.
        recorder.WaitForConnections(TimeSpan.FromSeconds(5));
        stop.Cancel();
        recorder.Finish(module.ExitCode);
        File.Delete(socketPath);
        return module.ExitCode;
    }

    private static Process Start(string file, IEnumerable<string> arguments, string? workingDirectory)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        return Process.Start(start)!;
    }

    private static void AddIf(List<string> arguments, string option, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            arguments.AddRange([option, value]);
        }
    }
}
