using Microsoft.Build.Framework;

namespace SandboxBuild.Tasks;

/// <summary>
/// Says, on every run, that the tests of this project run natively because the sandbox was skipped: SBX4102
/// when the invoker skipped (`-p:SandboxSkip=true`, SANDBOXBUILD_SKIP=1), SBX4103 when the repository's own
/// files did. With SANDBOXBUILD_REQUIRE=1 in the environment every skip is an error (SBX4104) and the
/// native run does not happen.
/// </summary>
public sealed class SandboxCheckSkip : Microsoft.Build.Utilities.Task
{
    /// <summary>The value of $(SandboxSkip).</summary>
    public string? SandboxSkip { get; set; }

    /// <summary>The value of $(SANDBOXBUILD_SKIP) (the environment variable, unless a file set the property).</summary>
    public string? SkipVariable { get; set; }

    /// <summary>The project, for the message.</summary>
    public string? Project { get; set; }

    public override bool Execute()
    {
        var byProperty = string.Equals(SandboxSkip, "true", StringComparison.OrdinalIgnoreCase);
        var byVariable = SkipVariable == "1";
        if (!byProperty && !byVariable)
        {
            return true;
        }

        var trusted = (!byProperty || TrustedValues.IsTrusted(BuildEngine, "SandboxSkip", SandboxSkip!))
            && (!byVariable || TrustedValues.IsTrusted(BuildEngine, "SANDBOXBUILD_SKIP", SkipVariable!));
        var how = byProperty ? $"SandboxSkip={SandboxSkip}" : "SANDBOXBUILD_SKIP=1";
        if (TrustedValues.Required)
        {
            Log.LogError(null, "SBX4104", null, Project, 0, 0, 0, 0,
                $"The tests of this project would run natively ({how}{(trusted ? "" : ", set by the repository's own files")}), and SANDBOXBUILD_REQUIRE=1 forbids that. Fix: remove the skip, or unset SANDBOXBUILD_REQUIRE where a native run is intended.");
            return false;
        }

        if (trusted)
        {
            Log.LogWarning(null, "SBX4102", null, Project, 0, 0, 0, 0,
                $"The sandbox is skipped ({how}): these tests run natively on this machine, with its network and credentials. Fix: remove {how} to run them sandboxed.");
        }
        else
        {
            Log.LogWarning(null, "SBX4103", null, Project, 0, 0, 0, 0,
                $"The repository's own files skip the sandbox ({how}): these tests run natively on this machine, with its network and credentials. Fix: remove it from the repository's files; only -p:SandboxSkip=true on the command line or SANDBOXBUILD_SKIP=1 may skip. CI can forbid skipping with SANDBOXBUILD_REQUIRE=1.");
        }

        return true;
    }
}
