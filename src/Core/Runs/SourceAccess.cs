using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;

namespace SandboxBuild.Runs;

/// <summary>
/// Fails fast, before anything starts, when the sandbox's non-root user could not even enter the source
/// folder (a private checkout, a 0700 temporary folder): otherwise staging would fail later, less clearly.
/// </summary>
internal static class SourceAccess
{
    public static void EnsureReadable(string source, SandboxPolicy policy)
    {
        var (uid, gid) = SandboxSpec.NumericUser(policy.User);
        if (uid is not { } user || !LinuxStat.TryLstat(source, out var stat, out _))
        {
            return; // a named user: only the engine knows its uid; staging will say if it cannot read
        }

        var mode = stat.Permissions;
        var canEnter = stat.Uid == user ? (mode & 0b101_000_000) == 0b101_000_000
            : stat.Gid == gid ? (mode & 0b000_101_000) == 0b000_101_000
            : (mode & 0b000_000_101) == 0b000_000_101;
        if (!canEnter && user != 0)
        {
            throw new SandboxException(Codes.SourceUnreadable,
                $"The sandbox runs as uid {user}, which cannot read '{source}' (owner {stat.Uid}, mode {Convert.ToString(mode, 8).PadLeft(4, '0')}).",
                location: policy.Origin.Locate("user"));
        }
    }
}
