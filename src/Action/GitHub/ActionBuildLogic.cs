using SandboxBuild.Diagnostics;
using SandboxBuild.Runs;

namespace SandboxBuild.Cli.GitHub;

/// <summary>
/// The action's first step when a build-logic record is given: before any restore or evaluation of the
/// checked-out repository, its build logic must match the record. On failure the outputs say so and nothing else runs.
/// </summary>
internal static class ActionBuildLogic
{
    public static bool Passes(string workspace, string recordFile, string sarif, ISandboxLog log)
    {
        if (BuildLogicValidation.Run(workspace, recordFile, writeBaseline: null, json: null, sarif, log) == ExitCodes.Success)
        {
            return true;
        }

        ActionOutputs.Write(new Dictionary<string, string>
        {
            ["gate-result"] = "failed",
            ["sarif-path"] = Path.GetRelativePath(workspace, sarif),
        });
        return false;
    }
}
