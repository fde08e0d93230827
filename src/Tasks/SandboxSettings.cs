using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>
/// Turns the Sandbox* properties into CLI options by who set them. A value from the command line or the
/// environment becomes the option itself (`--timeout 10m`). A limit the repository's own files set may only
/// tighten the sandbox, so it is passed as a request (`--repository-setting timeout=10m`, sandbox.yml key
/// names) that the CLI merges tighten-only. Anything else the repository sets (image, policy, output, source,
/// variables to pass in, baseline, warm reuse) is ignored with SBX4107: it would choose what the sandbox is.
/// </summary>
public sealed class SandboxSettings : Microsoft.Build.Utilities.Task
{
    /// <summary>
    /// Required. One item per property: ItemSpec = the property's name, metadata `Value` = its value, `Option` =
    /// the CLI option, and `Key` = the sandbox.yml key when the repository may request it (limits only).
    /// </summary>
    public ITaskItem[] Settings { get; set; } = [];

    /// <summary>$(SandboxSourceRoot): used only when the invoker set it.</summary>
    public string? SourceRoot { get; set; }

    /// <summary>$(SolutionDir): the solution's folder when MSBuild builds a solution (a global property then).</summary>
    public string? SolutionDir { get; set; }

    /// <summary>$(SandboxOutput): used only when the invoker set it.</summary>
    public string? Output { get; set; }

    /// <summary>The publish folder when the invoker chose none.</summary>
    public string? DefaultOutput { get; set; }

    /// <summary>The CLI options, one argument per item.</summary>
    [Output]
    public string[] Arguments { get; set; } = [];

    /// <summary>The source root the invoker chose; empty means "found from the project".</summary>
    [Output]
    public string? TrustedSourceRoot { get; set; }

    /// <summary>The publish folder.</summary>
    [Output]
    public string? TrustedOutput { get; set; }

    public override bool Execute()
    {
        var arguments = new List<string>();
        foreach (var setting in Settings)
        {
            var name = setting.ItemSpec;
            var value = setting.GetMetadata("Value").Trim();
            if (value.Length == 0)
            {
                continue;
            }

            var option = setting.GetMetadata("Option");
            var key = setting.GetMetadata("Key");
            if (TrustedValues.IsTrusted(BuildEngine, name, value))
            {
                Log.LogMessage(MessageImportance.Low, $"SandboxBuild: [input] {name}={value} (command line or environment)");
                foreach (var one in option == "--env-allow" ? value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [value])
                {
                    arguments.AddRange(IsSwitch(option) ? (one == "true" ? [option] : []) : [option, one]);
                }
            }
            else if (key.Length > 0)
            {
                Log.LogMessage(MessageImportance.Normal, $"SandboxBuild: the repository asks for {key}={value}; it applies only where it tightens the sandbox.");
                arguments.AddRange(["--repository-setting", $"{key}={value}"]);
            }
            else
            {
                Ignored(name, value);
            }
        }

        Arguments = [.. arguments];
        TrustedSourceRoot = Trusted("SandboxSourceRoot", SourceRoot, warn: true) ?? Trusted("SolutionDir", SolutionDir is "*Undefined*" ? null : SolutionDir, warn: false);
        TrustedOutput = Trusted("SandboxOutput", Output, warn: true) ?? DefaultOutput;
        return !Log.HasLoggedErrors;
    }

    private string? Trusted(string name, string? value, bool warn)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (TrustedValues.IsTrusted(BuildEngine, name, value!))
        {
            return value;
        }

        if (warn)
        {
            Ignored(name, value!);
        }

        return null;
    }

    private void Ignored(string name, string value) =>
        Log.LogWarning(null, "SBX4107", null, null, 0, 0, 0, 0,
            $"{name}={value} is set by the repository's own files and was ignored: only the command line (-p:{name}=...) or the environment may choose it. Fix: pass it on the command line, or remove it from the repository.");

    private static bool IsSwitch(string option) => option is "--warm";
}
