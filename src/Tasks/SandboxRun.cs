using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>
/// Runs a command in a fresh sandbox (behind the security gate) and publishes its verified output.
/// <code>&lt;SandboxRun CliPath="$(SandboxCliPath)" ProjectDirectory="$(MSBuildProjectDirectory)" Command="dotnet;test" /&gt;</code>
/// </summary>
public sealed class SandboxRun : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private CliProcess? _cli;

    /// <summary>Required. The `sandboxbuild.dll` to run (the package's own, $(SandboxCliPath)).</summary>
    public string? CliPath { get; set; }

    /// <summary>The command and its arguments, one item each. Empty means `dotnet test`.</summary>
    public string[] Command { get; set; } = [];

    /// <summary>The folder mounted read-only as the source. Default: found from <see cref="ProjectDirectory"/>.</summary>
    public string? Source { get; set; }

    /// <summary>
    /// The project the command is for. When <see cref="Source"/> is empty, the source root is found from here (the
    /// nearest folder holding .git, else a solution file, else global.json), and the command runs in this folder's staged copy.
    /// </summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>Where the command runs, relative to <see cref="Source"/>.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>The publish folder for verified artifacts.</summary>
    public string? Output { get; set; }

    /// <summary>Skip the host restore (MSBuild has restored already).</summary>
    public bool NoRestore { get; set; }

    /// <summary>Reuse the repository's long-lived sandbox (build servers and incremental builds stay warm).</summary>
    public bool Warm { get; set; }

    /// <summary>Name of a parallel sandbox for the same repository.</summary>
    public string? Agent { get; set; }

    /// <summary>The policy file (outside the repository: the repository's own sandbox.yml is read anyway and may only tighten).</summary>
    public string? Policy { get; set; }

    public string? Image { get; set; }

    /// <summary>The sandbox's wall-clock limit (`30m`).</summary>
    public string? RunTimeout { get; set; }

    public string? Memory { get; set; }

    public string? Cpus { get; set; }

    /// <summary>Fail on drift against this committed baseline.</summary>
    public string? Baseline { get; set; }

    /// <summary>Host variables passed into the sandbox by name.</summary>
    public string[] EnvAllow { get; set; } = [];

    /// <summary>CLI options decided by <see cref="SandboxSettings"/> (trusted settings and `--repository-setting` requests).</summary>
    public string[] SettingArguments { get; set; } = [];

    public bool Verbose { get; set; }

    /// <summary>The source root the sandbox was given.</summary>
    [Output]
    public string? SourceRoot { get; set; }

    public override bool Execute()
    {
        if (!TaskInputs.Required(Log, nameof(SandboxRun), nameof(CliPath), CliPath))
        {
            return false;
        }

        var source = Source;
        var workingDirectory = WorkingDirectory;
        if (ProjectDirectory is { Length: > 0 } project)
        {
            project = Path.GetFullPath(project);
            source = string.IsNullOrWhiteSpace(source) ? SourceRoots.Find(project) : Path.GetFullPath(source!);
            workingDirectory ??= Path.GetRelativePath(source, project);
        }

        SourceRoot = source;
        Log.LogMessage(MessageImportance.Low, $"SandboxBuild: [input] Source={source} WorkingDirectory={workingDirectory} Output={Output}");
        var arguments = new List<string>();
        TaskInputs.AddSwitch(arguments, "--verbose", Verbose);
        TaskInputs.Add(arguments, "--source", source);
        TaskInputs.Add(arguments, "--policy", Policy);
        TaskInputs.Add(arguments, "--image", Image);
        TaskInputs.Add(arguments, "--timeout", RunTimeout);
        TaskInputs.Add(arguments, "--memory", Memory);
        TaskInputs.Add(arguments, "--cpus", Cpus);
        foreach (var name in EnvAllow.Where(n => !string.IsNullOrWhiteSpace(n)))
        {
            TaskInputs.Add(arguments, "--env-allow", name);
        }

        arguments.AddRange(SettingArguments);
        TaskInputs.Add(arguments, "--workdir", workingDirectory);
        TaskInputs.Add(arguments, "--output", Output);
        TaskInputs.Add(arguments, "--baseline", Baseline);
        TaskInputs.Add(arguments, "--agent", Agent);
        TaskInputs.AddSwitch(arguments, "--no-restore", NoRestore);
        TaskInputs.AddSwitch(arguments, "--warm", Warm);
        if (Command.Length > 0)
        {
            arguments.Add("--");
            arguments.AddRange(Command);
        }

        _cli = new CliProcess(Log);
        return _cli.Run(CliPath!, "run", arguments, source) == 0 && !Log.HasLoggedErrors;
    }

    public void Cancel() => _cli?.Cancel();
}
