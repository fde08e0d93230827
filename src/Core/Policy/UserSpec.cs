using System.Globalization;

namespace SandboxBuild.Policy;

/// <summary>
/// A container `user` value read the way the engine reads it (runc's GetExecUser): `user[:group]`, each part a
/// number or a name. A part is numeric when it is digits with an optional sign, so `00`, `+0` and `-0` are
/// uid 0; surrounding blanks are ignored here (the engine would refuse ` 0` as an unknown name, but it is
/// still an attempt at root and is judged as one). Names need the image's accounts to become numbers.
/// </summary>
public sealed partial record UserSpec(string Text, long? Uid, string? UserName, long? Gid, string? GroupName, bool HasGroup, string? Invalid)
{
    private const long MaxId = int.MaxValue;

    /// <summary>True when both parts are numbers: no account file is needed to know who runs.</summary>
    public bool IsExplicitNumeric => Invalid is null && Uid is not null && Gid is not null;

    public static UserSpec Parse(string? text)
    {
        text ??= "";
        var parts = text.Split(':');
        if (parts.Length > 2)
        {
            return new UserSpec(text, null, null, null, null, true, $"'{text}' has more than one ':'");
        }

        var (uid, userName, userProblem) = Part(parts[0], "user");
        var hasGroup = parts.Length == 2;
        var (gid, groupName, groupProblem) = hasGroup ? Part(parts[1], "group") : (null, null, null);
        return new UserSpec(text, uid, userName, gid, groupName, hasGroup, userProblem ?? groupProblem);
    }

    /// <summary>
    /// Who the engine will run as: uid, primary gid and supplementary gids, or why that cannot be known.
    /// Without accounts (null) only an explicit numeric `uid:gid` resolves: anything else fails closed.
    /// </summary>
    public ResolvedUser Resolve(UserAccounts? accounts)
    {
        if (Invalid is not null)
        {
            return ResolvedUser.Unknown(Invalid);
        }

        if (IsExplicitNumeric)
        {
            return new ResolvedUser(Uid, Gid, [], null);
        }

        if (accounts is null)
        {
            return ResolvedUser.Unknown(Uid is null && UserName is null
                ? "no user is set, so the image's default user runs (often root)"
                : $"'{Text}' needs the image's /etc/passwd and /etc/group, which were not read");
        }

        // The engine's rules: a matched passwd entry gives the primary group, and without an explicit group
        // the user's memberships in /etc/group become supplementary groups; an unmatched number runs as gid 0.
        var entry = Uid is { } number ? accounts.Users.FirstOrDefault(u => u.Uid == number)
            : UserName is { } name ? accounts.Users.FirstOrDefault(u => u.Name == name)
            : accounts.Users.FirstOrDefault(u => u.Uid == 0);
        if (entry is null && Uid is null && UserName is not null)
        {
            return ResolvedUser.Unknown($"the image has no user '{UserName}'");
        }

        var uid = entry?.Uid ?? Uid ?? 0;
        var gid = entry?.Gid ?? 0;
        IReadOnlyList<long> supplementary = [];
        if (HasGroup)
        {
            var group = Gid is { } g ? accounts.Groups.FirstOrDefault(x => x.Gid == g) : accounts.Groups.FirstOrDefault(x => x.Name == GroupName);
            if (group is null && Gid is null)
            {
                return ResolvedUser.Unknown($"the image has no group '{GroupName}'");
            }

            gid = group?.Gid ?? Gid!.Value;
        }
        else if (entry is not null)
        {
            supplementary = accounts.Groups.Where(x => x.Members.Contains(entry.Name, StringComparer.Ordinal)).Select(x => x.Gid).Distinct().ToArray();
        }

        return new ResolvedUser(uid, gid, supplementary, null);
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[+-]?[0-9]+$")]
    private static partial System.Text.RegularExpressions.Regex NumericPart();

    private static (long? Number, string? Name, string? Problem) Part(string part, string what)
    {
        var trimmed = part.Trim();
        if (trimmed.Length == 0)
        {
            return (null, null, what == "group" ? "the group after ':' is empty" : null);
        }

        if (NumericPart().IsMatch(trimmed))
        {
            return long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= MaxId
                ? (number, null, null)
                : (null, null, $"the {what} id '{trimmed}' is out of range");
        }

        return (null, trimmed, null);
    }
}

/// <summary>The numeric identity a container runs with; <see cref="Problem"/> says why it is unknown.</summary>
public sealed record ResolvedUser(long? Uid, long? Gid, IReadOnlyList<long> SupplementaryGids, string? Problem)
{
    public bool Known => Problem is null;

    public bool IsRoot => Uid == 0;

    public bool InRootGroup => Gid == 0 || SupplementaryGids.Contains(0);

    public static ResolvedUser Unknown(string why) => new(null, null, [], why);
}
