using System.Text.Json;

namespace SandboxBuild.Probing;

/// <summary>
/// What the stager tells the host on stdout besides its summary line: each path it skipped because the sandbox
/// user cannot read it, one a line, JSON-quoted so no file name can break the line or forge another.
/// </summary>
public static class StagingOutput
{
    private const string UnreadablePrefix = "unreadable: ";

    public static string UnreadableLine(string relativePath) => UnreadablePrefix + JsonSerializer.Serialize(relativePath, ProbeJson.Default.String);

    /// <summary>The skipped paths the stager reported, in its order; a line that does not parse is ignored.</summary>
    public static IReadOnlyList<string> Unreadable(string stdout) => stdout
        .Split('\n')
        .Where(l => l.StartsWith(UnreadablePrefix, StringComparison.Ordinal))
        .Select(l => Parse(l[UnreadablePrefix.Length..].TrimEnd('\r')))
        .OfType<string>()
        .ToList();

    /// <summary>The stager's other lines (its summary), for the detail log.</summary>
    public static string Summary(string stdout) => string.Join('\n', stdout
        .Split('\n')
        .Where(l => !l.StartsWith(UnreadablePrefix, StringComparison.Ordinal) && l.Trim().Length > 0)).Trim();

    private static string? Parse(string quoted)
    {
        try
        {
            return JsonSerializer.Deserialize(quoted, ProbeJson.Default.String);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
