using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>
/// Runs a command in a fresh sandbox (behind the security gate) and publishes its verified output.
/// <code>&lt;SandboxRun CliPath="$(SandboxCliPath)" Source="$(SandboxSourceRoot)" Command="dotnet;test" Output="$(SandboxOutput)" /&gt;</code>
/// </summary>
public sealed class SandboxRun : SandboxToolTask
{
    /// <summary>The command and its arguments, one item each. Empty means `dotnet test`.</summary>
    public string[] Command { get; set; } = [];

    /// <summary>Where the command runs, relative to <see cref="SandboxToolTask.Source"/>.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>The publish folder for verified artifacts.</summary>
    public string? Output { get; set; }

    /// <summary>Skip the host restore (MSBuild has restored already).</summary>
    public bool NoRestore { get; set; }

    public string? Agent { get; set; }

    /// <summary>Reuse the repository's long-lived sandbox (build servers and incremental builds stay warm).</summary>
    public bool Warm { get; set; }

    /// <summary>
    /// The project the command is for. When <see cref="SandboxToolTask.Source"/> is empty, the source root is
    /// found from here (the nearest folder holding .git, else a solution file, else global.json), and the
    /// command runs in this folder's staged copy.
    /// </summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>The source root the sandbox was given.</summary>
    [Output]
    public string? SourceRoot { get; set; }

    protected override string Verb => "run";

    public override bool Execute()
    {
        if (ProjectDirectory is { Length: > 0 } project)
        {
            project = Path.GetFullPath(project);
            Source = string.IsNullOrWhiteSpace(Source) ? SourceRoots.Find(project) : Path.GetFullPath(Source);
            WorkingDirectory ??= Path.GetRelativePath(Source, project);
        }

        SourceRoot = Source;
        Log.LogMessage(MessageImportance.Low, $"SandboxBuild: [input] Source={Source} WorkingDirectory={WorkingDirectory} Output={Output}");
        return base.Execute();
    }

    protected override void AppendOptions(CommandLineBuilder builder)
    {
        AppendLimits(builder);
        Append(builder, "--workdir", WorkingDirectory);
        Append(builder, "--output", Output);
        Append(builder, "--baseline", Baseline);
        Append(builder, "--agent", Agent);
        if (NoRestore)
        {
            builder.AppendSwitch("--no-restore");
        }

        if (Warm)
        {
            builder.AppendSwitch("--warm");
        }
    }

    protected override void AppendTail(CommandLineBuilder builder)
    {
        if (Command.Length > 0)
        {
            builder.AppendSwitch("--");
            foreach (var argument in Command)
            {
                // Quoted when needed, never rewritten (AppendFileName would turn "-c" into "./-c").
                builder.AppendSwitchIfNotNull("", argument);
            }
        }
    }
}
