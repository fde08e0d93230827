namespace SandboxBuild.Policy;

public sealed record AccountEntry(string Name, long Uid, long Gid);

public sealed record GroupEntry(string Name, long Gid, IReadOnlyList<string> Members);

/// <summary>An image's /etc/passwd and /etc/group, parsed like the engine parses them (first match wins).</summary>
public sealed record UserAccounts(IReadOnlyList<AccountEntry> Users, IReadOnlyList<GroupEntry> Groups)
{
    public static UserAccounts Parse(string passwd, string group) => new(
        Lines(passwd).Select(f => f.Length >= 4 && long.TryParse(f[2], out var uid) && long.TryParse(f[3], out var gid) ? new AccountEntry(f[0], uid, gid) : null)
            .OfType<AccountEntry>().ToArray(),
        Lines(group).Select(f => f.Length >= 3 && long.TryParse(f[2], out var gid)
                ? new GroupEntry(f[0], gid, f.Length > 3 ? f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [])
                : null)
            .OfType<GroupEntry>().ToArray());

    private static IEnumerable<string[]> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(':'));
}
