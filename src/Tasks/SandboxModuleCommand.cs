using Microsoft.Build.Framework;

namespace SandboxBuild.Tasks;

/// <summary>
/// The command MTP-mode `dotnet test` starts for this test module, pointed at the package's CLI: the SDK
/// launches `RunCommand RunArguments`, then appends the test arguments and its pipe's name, and the CLI runs
/// the module in the sandbox and replays the verified results over that pipe. Loader variables a launch profile
/// could set for the module (LD_PRELOAD, DOTNET_STARTUP_HOOKS ...) are removed before the CLI starts, with env(1).
/// </summary>
public sealed class SandboxModuleCommand : Microsoft.Build.Utilities.Task
{
    private static readonly string[] LoaderVariables =
    [
        "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "DOTNET_STARTUP_HOOKS", "DOTNET_ADDITIONAL_DEPS", "DOTNET_SHARED_STORE",
        "DOTNET_ROOT", "DOTNET_HOSTFXR_PATH", "COREHOST_TRACE", "COREHOST_TRACEFILE", "SANDBOXBUILD_PROBE_DIR",
    ];

    /// <summary>Required. The `sandboxbuild.dll` to run.</summary>
    public string? CliPath { get; set; }

    /// <summary>Required. The test project ($(MSBuildProjectFullPath)).</summary>
    public string? Project { get; set; }

    /// <summary>Required. $(TargetPath): how the SDK names the module.</summary>
    public string? TargetPath { get; set; }

    /// <summary>Required. Where results go when `dotnet test` names no --results-directory.</summary>
    public string? DefaultResultsDirectory { get; set; }

    /// <summary>The folder mounted read-only as the source; found from the project when empty.</summary>
    public string? Source { get; set; }

    /// <summary>The publish folder for verified artifacts.</summary>
    public string? Output { get; set; }

    public string? TargetFramework { get; set; }

    public string? Configuration { get; set; }

    public string? RuntimeIdentifier { get; set; }

    /// <summary>CLI options decided by <see cref="SandboxSettings"/>.</summary>
    public string[] SettingArguments { get; set; } = [];

    [Output]
    public string? RunCommand { get; set; }

    [Output]
    public string? RunArguments { get; set; }

    public override bool Execute()
    {
        if (!TaskInputs.Required(Log, nameof(SandboxModuleCommand), nameof(CliPath), CliPath)
            | !TaskInputs.Required(Log, nameof(SandboxModuleCommand), nameof(Project), Project)
            | !TaskInputs.Required(Log, nameof(SandboxModuleCommand), nameof(TargetPath), TargetPath)
            | !TaskInputs.Required(Log, nameof(SandboxModuleCommand), nameof(DefaultResultsDirectory), DefaultResultsDirectory))
        {
            return false;
        }

        var project = Path.GetFullPath(Project!);
        var arguments = new List<string>();
        foreach (var name in LoaderVariables)
        {
            arguments.AddRange(["-u", name]);
        }

        arguments.AddRange([CliProcess.DotnetHost, "exec", CliPath!, "test-module"]);
        TaskInputs.Add(arguments, "--source", string.IsNullOrWhiteSpace(Source) ? SourceRoots.Find(Path.GetDirectoryName(project)!) : Path.GetFullPath(Source!));
        TaskInputs.Add(arguments, "--project", project);
        TaskInputs.Add(arguments, "--target-path", TargetPath);
        TaskInputs.Add(arguments, "--default-results", DefaultResultsDirectory);
        TaskInputs.Add(arguments, "--output", Output);
        TaskInputs.Add(arguments, "--framework", TargetFramework);
        TaskInputs.Add(arguments, "--configuration", Configuration);
        TaskInputs.Add(arguments, "--runtime", RuntimeIdentifier);
        arguments.AddRange(SettingArguments);
        arguments.Add("--");
        RunCommand = "/usr/bin/env";
        RunArguments = Probing.CommandLine.Join(arguments);
        Log.LogMessage(MessageImportance.Low, $"SandboxBuild: the test module runs in the sandbox: {RunCommand} {RunArguments}");
        return true;
    }
}
