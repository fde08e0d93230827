using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>
/// The security gate on its own: the policy, compose files and a real sandbox made from the policy, compared
/// with the committed baseline. Any failure or drift is an MSBuild error with its SBX code.
/// </summary>
public sealed class SandboxValidate : SandboxToolTask
{
    public string[] Compose { get; set; } = [];

    /// <summary>Record the validated sandbox as the approved baseline in this file.</summary>
    public string? WriteBaseline { get; set; }

    public string? Sarif { get; set; }

    public string? Json { get; set; }

    /// <summary>Judge files only (weaker: no runtime facts, no probes).</summary>
    public bool StaticOnly { get; set; }

    protected override string Verb => "validate";

    protected override void AppendOptions(CommandLineBuilder builder)
    {
        Append(builder, "--image", Image);
        foreach (var file in Compose)
        {
            Append(builder, "--compose", file);
        }

        Append(builder, "--baseline", Baseline);
        Append(builder, "--write-baseline", WriteBaseline);
        Append(builder, "--sarif", Sarif);
        Append(builder, "--json", Json);
        if (StaticOnly)
        {
            builder.AppendSwitch("--static-only");
        }
    }
}
