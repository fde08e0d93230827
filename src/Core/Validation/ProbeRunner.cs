using System.Text.Json;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Probing;

namespace SandboxBuild.Validation;

/// <summary>
/// Runs the probe inside a sandbox: by absolute path, from the read-only probe volume, with an environment
/// that switches off every hook the runtime would load code from, and with a time limit.
/// </summary>
public static class ProbeRunner
{
    public const string DotnetHost = "/usr/share/dotnet/dotnet";

    /// <summary>Neutralises loader hooks a policy's environment might otherwise smuggle into our tools.</summary>
    public static IReadOnlyDictionary<string, string> HardenedEnvironment { get; } = new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = "",
        ["LD_LIBRARY_PATH"] = "",
        ["DOTNET_STARTUP_HOOKS"] = "",
        ["DOTNET_ADDITIONAL_DEPS"] = "",
        ["DOTNET_SHARED_STORE"] = "",
        ["DOTNET_ROOT"] = "/usr/share/dotnet",
        ["DOTNET_EnableDiagnostics"] = "0",
        ["COREHOST_TRACE"] = "0",
        ["DOTNET_TieredPGO"] = "0",
        ["DOTNET_TC_QuickJitForLoops"] = "1",
    };

    public static IReadOnlyList<string> Command(params string[] arguments) => CommandIn(SandboxLayout.ProbeMount, arguments);

    /// <summary>The probe run from <paramref name="probeDirectory"/> (the probe volume's mount, or where it was placed).</summary>
    public static IReadOnlyList<string> CommandIn(string probeDirectory, params string[] arguments) =>
        [DotnetHost, $"{probeDirectory}/{ProbeVolume.FileName}", .. arguments];

    public static async Task<(ProbeReport? Report, string Failure)> RunAsync(
        SandboxContainer container, ProbeRequest request, CancellationToken cancellationToken, string probeDirectory = SandboxLayout.ProbeMount)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(45));
        ExecResult result;
        try
        {
            result = await container.RunAsync(CommandIn(probeDirectory, "probe", JsonSerializer.Serialize(request, ProbeJson.Default.ProbeRequest)),
                HardenedEnvironment, probeDirectory, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, "the probe did not finish within 45 s");
        }
        catch (IOException e)
        {
            return (null, $"the engine could not run the probe: {e.Message}");
        }

        if (result.ExitCode != 0)
        {
            var why = result.ExitCode == 127 ? "the image has no .NET runtime at " + DotnetHost : $"exit code {result.ExitCode}";
            return (null, $"{why}: {SafeText.Escape(result.StdErr.Trim(), 500)}");
        }

        try
        {
            return (JsonSerializer.Deserialize(result.StdOut, ProbeJson.Default.ProbeReport), "");
        }
        catch (JsonException e)
        {
            return (null, $"the probe's report is not valid JSON: {e.Message}");
        }
    }
}
