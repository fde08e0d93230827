using SandboxBuild.Engine;
using System.Globalization;

namespace SandboxBuild.Restore;

/// <summary>
/// Who the proxy runs as. As root: Debian's `proxy` account (or `nobody`), entered through setpriv with no
/// capabilities, no supplementary groups and no-new-privileges. Otherwise the current user, who is already
/// unprivileged. Never root.
/// </summary>
internal sealed record ProxyUser(int Uid, int Gid, string Name)
{
    public static ProxyUser? Unprivileged()
    {
        if (!File.Exists("/etc/passwd"))
        {
            return null;
        }

        var accounts = File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .Where(f => f.Length >= 4 && int.TryParse(f[2], CultureInfo.InvariantCulture, out _) && int.TryParse(f[3], CultureInfo.InvariantCulture, out _))
            .ToDictionary(f => f[0], f => new ProxyUser(int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), f[0]), StringComparer.Ordinal);
        foreach (var name in new[] { "proxy", "nobody" })
        {
            if (accounts.TryGetValue(name, out var user) && user.Uid != 0 && user.Gid != 0)
            {
                return user;
            }
        }

        return null;
    }

    /// <summary>The command that starts <paramref name="program"/> as this user, with nothing privileged left.</summary>
    public IReadOnlyList<string> Wrap(string program, IEnumerable<string> arguments) =>
    [
        "--reuid", Uid.ToString(CultureInfo.InvariantCulture), "--regid", Gid.ToString(CultureInfo.InvariantCulture), "--clear-groups",
        "--inh-caps=-all", "--bounding-set=-all", "--nnp", "--", program, .. arguments,
    ];
}
