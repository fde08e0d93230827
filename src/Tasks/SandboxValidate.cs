using Microsoft.Build.Framework;

namespace SandboxBuild.Tasks;

/// <summary>
/// The security gate on its own: the policy, compose files and a real sandbox made from the policy, compared
/// with the committed baseline. Any failure or drift is an MSBuild error with its SBX code.
/// </summary>
public sealed class SandboxValidate : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private CliProcess? _cli;

    /// <summary>Required. The `sandboxbuild.dll` to run (the package's own, $(SandboxCliPath)).</summary>
    public string? CliPath { get; set; }

    /// <summary>The folder whose policy is validated (mounted read-only into the validation sandbox).</summary>
    public string? Source { get; set; }

    public string? Policy { get; set; }

    public string? Image { get; set; }

    /// <summary>Compose files in the pattern's format to judge as well.</summary>
    public string[] Compose { get; set; } = [];

    /// <summary>Fail on drift against this committed baseline.</summary>
    public string? Baseline { get; set; }

    /// <summary>Record the validated sandbox as the approved baseline in this file.</summary>
    public string? WriteBaseline { get; set; }

    public string? Sarif { get; set; }

    public string? Json { get; set; }

    /// <summary>Judge files only (weaker: no runtime facts, no probes).</summary>
    public bool StaticOnly { get; set; }

    public bool Verbose { get; set; }

    public override bool Execute()
    {
        if (!TaskInputs.Required(Log, nameof(SandboxValidate), nameof(CliPath), CliPath))
        {
            return false;
        }

        var arguments = new List<string>();
        TaskInputs.AddSwitch(arguments, "--verbose", Verbose);
        TaskInputs.Add(arguments, "--source", Source);
        TaskInputs.Add(arguments, "--policy", Policy);
        TaskInputs.Add(arguments, "--image", Image);
        foreach (var file in Compose)
        {
            TaskInputs.Add(arguments, "--compose", file);
        }

        TaskInputs.Add(arguments, "--baseline", Baseline);
        TaskInputs.Add(arguments, "--write-baseline", WriteBaseline);
        TaskInputs.Add(arguments, "--sarif", Sarif);
        TaskInputs.Add(arguments, "--json", Json);
        TaskInputs.AddSwitch(arguments, "--static-only", StaticOnly);
        _cli = new CliProcess(Log);
        return _cli.Run(CliPath!, "validate", arguments, Source) == 0 && !Log.HasLoggedErrors;
    }

    public void Cancel() => _cli?.Cancel();
}
