using Microsoft.Build.Framework;

namespace SandboxBuild.Tasks;

/// <summary>
/// Publishes the verified files of a folder a sandbox wrote: no links or special files, limits, secret scan,
/// manifest. For outputs of sandboxes started some other way; <see cref="SandboxRun"/> collects by itself.
/// </summary>
public sealed class SandboxCollect : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private CliProcess? _cli;

    /// <summary>Required. The `sandboxbuild.dll` to run (the package's own, $(SandboxCliPath)).</summary>
    public string? CliPath { get; set; }

    /// <summary>Required. The folder the sandbox wrote.</summary>
    public string? From { get; set; }

    /// <summary>Required. The fresh publish folder.</summary>
    public string? To { get; set; }

    /// <summary>Globs of the files to publish (all when empty).</summary>
    public string[] Include { get; set; } = [];

    public override bool Execute()
    {
        if (!TaskInputs.Required(Log, nameof(SandboxCollect), nameof(CliPath), CliPath)
            | !TaskInputs.Required(Log, nameof(SandboxCollect), nameof(From), From)
            | !TaskInputs.Required(Log, nameof(SandboxCollect), nameof(To), To))
        {
            return false;
        }

        var arguments = new List<string>();
        TaskInputs.Add(arguments, "--from", From);
        TaskInputs.Add(arguments, "--to", To);
        foreach (var glob in Include)
        {
            TaskInputs.Add(arguments, "--include", glob);
        }

        _cli = new CliProcess(Log);
        return _cli.Run(CliPath!, "collect", arguments, null) == 0 && !Log.HasLoggedErrors;
    }

    public void Cancel() => _cli?.Cancel();
}
