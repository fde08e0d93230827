namespace SandboxBuild.Probing;

/// <summary>Who the process is and what the kernel lets it do, from /proc/self/status.</summary>
internal static class IdentityProbe
{
    public static void Read(ProbeReport report)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var value = line[(colon + 1)..].Trim();
            switch (line[..colon])
            {
                case "Uid": report.Uid = FirstNumber(value); break;
                case "Gid": report.Gid = FirstNumber(value); break;
                case "CapEff": report.CapEff = value; break;
                case "CapPrm": report.CapPrm = value; break;
                case "CapBnd": report.CapBnd = value; break;
                case "CapAmb": report.CapAmb = value; break;
                case "NoNewPrivs": report.NoNewPrivs = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "Seccomp": report.Seccomp = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            }
        }
    }

    // "Uid: real effective saved fs": the effective id is what matters, but any 0 is root; report the smallest.
    private static long FirstNumber(string value) =>
        value.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).Min();
}
