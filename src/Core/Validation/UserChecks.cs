using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Validation;

/// <summary>
/// Who the sandbox really runs as: the user value resolved to numbers the way the engine resolves it (see
/// <see cref="UserSpec"/>), never by comparing text. Root (uid 0) and the root group (gid 0, also as a
/// supplementary group) fail; a user that cannot be resolved fails closed.
/// </summary>
internal static class UserChecks
{
    public static IEnumerable<Finding> Judge(IsolationFacts f)
    {
        var location = f.Locate("user");
        var seen = f.User.Length == 0 ? "(not set)" : f.User;
        var resolved = UserSpec.Parse(f.User).Resolve(f.Accounts);
        if (!resolved.Known)
        {
            // What is known for certain is still said: an empty user or `root` is root whatever the image holds.
            if (IsolationChecks.IsRoot(f.User))
            {
                yield return Finding.Fail(Codes.RunsAsRoot, f.Source, "user", seen, "a non-root uid", location);
            }

            yield return Finding.Fail(Codes.UserUnresolved, f.Source, "user", $"{seen}: {resolved.Problem}", "a numeric uid:gid, or a name the image resolves", location);
            yield break;
        }

        var numbers = $"{seen} (uid {resolved.Uid}, gid {resolved.Gid}{(resolved.SupplementaryGids.Count > 0 ? $", groups {string.Join(",", resolved.SupplementaryGids)}" : "")})";
        yield return Finding.Judge(!resolved.IsRoot, Codes.RunsAsRoot, f.Source, "user", numbers, "a non-root uid", location);
        yield return Finding.Judge(!resolved.InRootGroup, Codes.RootGroup, f.Source, "group", numbers, "a non-zero gid and no root group", location);
        yield return Finding.Pass(Codes.UserUnresolved, f.Source, "user", numbers, "a resolvable user", location);
    }
}
