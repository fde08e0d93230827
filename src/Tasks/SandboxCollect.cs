using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SandboxBuild.Tasks;

/// <summary>
/// Publishes the verified files of a folder a sandbox wrote: no links or special files, limits, secret scan,
/// manifest. For outputs of sandboxes started some other way; <see cref="SandboxRun"/> collects by itself.
/// </summary>
public sealed class SandboxCollect : SandboxToolTask
{
    [Required]
    public string From { get; set; } = "";

    [Required]
    public string To { get; set; } = "";

    public string[] Include { get; set; } = [];

    protected override string Verb => "collect";

    protected override void AppendOptions(CommandLineBuilder builder)
    {
        Append(builder, "--from", From);
        Append(builder, "--to", To);
        foreach (var glob in Include)
        {
            Append(builder, "--include", glob);
        }
    }
}
