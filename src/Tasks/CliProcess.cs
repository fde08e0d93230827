using System.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>
/// Runs the `sandboxbuild` CLI shipped in the package, out of process, with `--log-format msbuild`: its coded
/// lines (`error SBX2001: ...`) become real MSBuild errors and warnings, and the sandboxed command's output
/// is shown live. Paths inside the sandbox are shown as the host files they were staged from.
/// </summary>
internal sealed class CliProcess(TaskLoggingHelper log)
{
    private Process? _process;

    /// <summary>The same `dotnet` that runs this build (the SDK sets DOTNET_HOST_PATH for MSBuild).</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public int Run(string cliPath, string verb, IReadOnlyList<string> arguments, string? sourceRoot)
    {
        var start = new ProcessStartInfo(DotnetHost) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", cliPath, verb, "--log-format", "msbuild" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        log.LogMessage(MessageImportance.Low, $"SandboxBuild: [command] {start.FileName} {string.Join(" ", start.ArgumentList)}");
        var staged = sourceRoot is { Length: > 0 } root ? root.TrimEnd('/', '\\') + "/" : null;
        using var process = Process.Start(start)!;
        _process = process;
        process.OutputDataReceived += (_, e) => Forward(e.Data, staged);
        process.ErrorDataReceived += (_, e) => Forward(e.Data, staged);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Cancel()
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Forward(string? line, string? staged)
    {
        if (line is null)
        {
            return;
        }

        if (staged is not null)
        {
            line = line.Replace("/workspace/build/", staged, StringComparison.Ordinal);
        }

        // Canonical lines (`SandboxBuild: error SBX3011: ...`) become errors and warnings with their codes.
        log.LogMessageFromText(line, MessageImportance.High);
    }
}
