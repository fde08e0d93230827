using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>Parameter checks and command-line building the tasks share (functions, not a base class).</summary>
internal static class TaskInputs
{
    /// <summary>False, with SBX4106 naming the parameter, when a required parameter is empty.</summary>
    public static bool Required(TaskLoggingHelper log, string task, string parameter, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        log.LogError(null, "SBX4106", null, null, 0, 0, 0, 0,
            $"The {task} task needs its {parameter} parameter. Fix: set {parameter} on the task in your target.");
        return false;
    }

    public static void Add(List<string> arguments, string option, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            arguments.AddRange([option, value!.Trim()]);
        }
    }

    public static void AddSwitch(List<string> arguments, string option, bool on)
    {
        if (on)
        {
            arguments.Add(option);
        }
    }
}
