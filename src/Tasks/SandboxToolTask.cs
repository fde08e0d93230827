using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>
/// The shared shape of SandboxBuild's tasks: each runs the `sandboxbuild` CLI out of process with
/// `--log-format msbuild`, so its coded messages (`error SBX2001: ...`) become real MSBuild errors and the
/// sandboxed command's output is shown live. No logic lives here; it is all in the CLI and its core library.
/// </summary>
public abstract class SandboxToolTask : ToolTask
{
    /// <summary>The `sandboxbuild.dll` to run (the package's own by default, through $(SandboxCliPath)).</summary>
    [Required]
    public string CliPath { get; set; } = "";

    /// <summary>The folder the sandbox mounts read-only as its source.</summary>
    public string? Source { get; set; }

    public string? Policy { get; set; }

    public string? Image { get; set; }

    /// <summary>The sandbox's wall-clock limit (`30m`); not ToolTask.Timeout, which would kill the CLI itself.</summary>
    public string? RunTimeout { get; set; }

    public string? Memory { get; set; }

    public string? Cpus { get; set; }

    public string? Baseline { get; set; }

    /// <summary>Host variables passed into the sandbox by name.</summary>
    public string[] EnvAllow { get; set; } = [];

    public bool Verbose { get; set; }

    protected override string ToolName => "dotnet";

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.High;

    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.High;

    protected abstract string Verb { get; }

    /// <summary>The same `dotnet` that runs this build (the SDK sets DOTNET_HOST_PATH for MSBuild).</summary>
    protected override string GenerateFullPathToTool() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : ToolName;

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendFileNameIfNotNull(CliPath);
        builder.AppendSwitch(Verb);
        builder.AppendSwitch("--log-format");
        builder.AppendSwitch("msbuild");
        if (Verbose)
        {
            builder.AppendSwitch("--verbose");
        }

        Append(builder, "--source", Source);
        Append(builder, "--policy", Policy);
        AppendOptions(builder);
        AppendTail(builder);
        return builder.ToString();
    }

    /// <summary>The options of this verb.</summary>
    protected abstract void AppendOptions(CommandLineBuilder builder);

    /// <summary>What follows the options (the command of a run).</summary>
    protected virtual void AppendTail(CommandLineBuilder builder)
    {
    }

    protected void AppendLimits(CommandLineBuilder builder)
    {
        Append(builder, "--image", Image);
        Append(builder, "--timeout", RunTimeout);
        Append(builder, "--memory", Memory);
        Append(builder, "--cpus", Cpus);
        foreach (var name in EnvAllow.Where(n => !string.IsNullOrWhiteSpace(n)))
        {
            Append(builder, "--env-allow", name.Trim());
        }
    }

    protected static void Append(CommandLineBuilder builder, string option, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            builder.AppendSwitchIfNotNull($"{option} ", value.Trim());
        }
    }

    protected override void LogToolCommand(string message) => Log.LogMessage(MessageImportance.Low, message);

    /// <summary>Paths inside the sandbox are shown as the host paths they were staged from, so errors point at real files.</summary>
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (Source is { Length: > 0 } source)
        {
            singleLine = singleLine.Replace("/workspace/build/", source.TrimEnd('/', '\\') + "/", StringComparison.Ordinal);
        }

        base.LogEventsFromTextOutput(singleLine, messageImportance);
    }
}
