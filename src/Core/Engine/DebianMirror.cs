namespace SandboxBuild.Engine;

/// <summary>The Debian mirror this machine's apt already uses, so baking needs no other network access.</summary>
public static class DebianMirror
{
    public static string? FromAptSources()
    {
        // deb822 format (Debian 12): "URIs: http://deb.debian.org/debian" in the Types: deb stanza.
        foreach (var file in Directory.Exists("/etc/apt/sources.list.d") ? Directory.GetFiles("/etc/apt/sources.list.d", "*.sources") : [])
        {
            var uri = File.ReadLines(file)
                .Where(l => l.StartsWith("URIs:", StringComparison.Ordinal))
                .Select(l => l["URIs:".Length..].Trim().Split(' ')[0])
                .FirstOrDefault(u => u.EndsWith("/debian", StringComparison.Ordinal) || u.EndsWith("/debian/", StringComparison.Ordinal));
            if (uri is not null)
            {
                return uri;
            }
        }

        // One-line format: "deb http://deb.debian.org/debian bookworm main".
        return File.Exists("/etc/apt/sources.list")
            ? File.ReadLines("/etc/apt/sources.list")
                .Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(p => p.Length >= 3 && p[0] == "deb" && p[1].StartsWith("http", StringComparison.Ordinal) && !p[1].Contains("security", StringComparison.Ordinal))
                .Select(p => p[1])
                .FirstOrDefault()
            : null;
    }
}
