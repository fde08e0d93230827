namespace SandboxBuild.Probing;

internal sealed record MountEntry(string MountPoint, string Root, string FsType, bool ReadOnly);

/// <summary>/proc/self/mountinfo, the mounts as this process sees them.</summary>
internal static class MountTable
{
    public static IReadOnlyList<MountEntry> Read(List<string> errors)
    {
        try
        {
            return File.ReadLines("/proc/self/mountinfo").Select(Parse).OfType<MountEntry>().ToArray();
        }
        catch (IOException e)
        {
            errors.Add($"mountinfo: {e.Message}");
            return [];
        }
    }

    /// <summary>The mount a path lives on: the longest mount point that contains it (the last one wins, as in the kernel).</summary>
    public static MountEntry? Find(IReadOnlyList<MountEntry> mounts, string path) =>
        mounts.Where(m => path == m.MountPoint || path.StartsWith(m.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderBy(m => m.MountPoint.Length)
            .LastOrDefault();

    private static MountEntry? Parse(string line)
    {
        var fields = line.Split(' ');
        var separator = Array.IndexOf(fields, "-");
        if (fields.Length < 10 || separator < 6 || separator + 1 >= fields.Length)
        {
            return null;
        }

        var options = fields[5].Split(',');
        return new MountEntry(Unescape(fields[4]), Unescape(fields[3]), fields[separator + 1], options.Contains("ro"));
    }

    // mountinfo escapes space, tab, newline and backslash as octal (\040).
    private static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && IsOctal(value, i + 1))
            {
                builder.Append((char)Convert.ToInt32(value.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(value[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsOctal(string value, int start) =>
        start + 3 <= value.Length && value.AsSpan(start, 3).IndexOfAnyExceptInRange('0', '7') < 0;
}
