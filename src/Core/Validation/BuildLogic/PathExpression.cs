using System.Text;
using System.Text.RegularExpressions;

namespace SandboxBuild.Validation.BuildLogic;

public enum PathStatus
{
    /// <summary>A path known without evaluation (it may hold wildcards).</summary>
    Literal,

    /// <summary>Computed, but wherever it lands in the repository the gate hashes it anyway, or it names the toolset.</summary>
    Covered,

    /// <summary>Computed, and what it names cannot be known without evaluating the build.</summary>
    Dynamic,
}

/// <summary>One path of an expression: when literal, the path (relative paths stay relative); else the text as written.</summary>
public readonly record struct ResolvedPath(PathStatus Status, string Text, string? ToolsetProperty = null);

/// <summary>
/// Turns a path as written in a build file into what the gate can know without evaluating: the properties
/// that are fixed by the file's own location are substituted, `%XX` escapes are undone and `\` becomes `/`,
/// as MSBuild does on Unix. Anything else computed stays computed; the gate never guesses a property.
/// </summary>
public static partial class PathExpression
{
    /// <summary>Properties that name the SDK and MSBuild's own folders, outside the repository.</summary>
    public static readonly IReadOnlySet<string> ToolsetProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "MSBuildExtensionsPath", "MSBuildExtensionsPath32", "MSBuildExtensionsPath64", "MSBuildToolsPath", "MSBuildToolsPath32",
        "MSBuildToolsPath64", "MSBuildBinPath", "MSBuildSDKsPath", "MSBuildFrameworkToolsPath", "MSBuildFrameworkToolsPath32",
        "MSBuildFrameworkToolsPath64", "MSBuildToolsRoot", "MSBuildUserExtensionsPath", "RoslynTargetsPath", "NetCoreRoot",
        "NetCoreTargetingPackRoot", "VSToolsPath", "VCTargetsPath", "NuGetPackageRoot",
    };

    /// <summary>The properties whose value follows from where the file is.</summary>
    public static Dictionary<string, string> LocationProperties(string fileFullPath, bool isProject)
    {
        var directory = Path.GetDirectoryName(fileFullPath)!;
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["MSBuildThisFileDirectory"] = directory.TrimEnd('/') + "/",
            ["MSBuildThisFileDirectoryNoRoot"] = directory.TrimStart('/').TrimEnd('/') + "/",
            ["MSBuildThisFileFullPath"] = fileFullPath,
            ["MSBuildThisFile"] = Path.GetFileName(fileFullPath),
            ["MSBuildThisFileName"] = Path.GetFileNameWithoutExtension(fileFullPath),
            ["MSBuildThisFileExtension"] = Path.GetExtension(fileFullPath),
        };
        if (isProject)
        {
            properties["MSBuildProjectDirectory"] = directory;
            properties["MSBuildProjectDirectoryNoRoot"] = directory.TrimStart('/');
            properties["MSBuildProjectFullPath"] = fileFullPath;
            properties["MSBuildProjectFile"] = Path.GetFileName(fileFullPath);
            properties["MSBuildProjectName"] = Path.GetFileNameWithoutExtension(fileFullPath);
            properties["MSBuildProjectExtension"] = Path.GetExtension(fileFullPath);
        }

        return properties;
    }

    /// <summary>
    /// Each `;`-separated path of the expression. A computed path is Covered when its file name is one
    /// <paramref name="coveredName"/> accepts, or when it starts with a toolset property <paramref name="trustedPrefix"/> accepts.
    /// </summary>
    public static IReadOnlyList<ResolvedPath> Resolve(
        string expression, IReadOnlyDictionary<string, string> known, Func<string, bool> coveredName, Func<string, bool> trustedPrefix)
    {
        var substituted = Substitute(expression, known);
        var results = new List<ResolvedPath>();
        foreach (var part in SplitTopLevel(substituted))
        {
            if (!IsComputed(part))
            {
                results.Add(new ResolvedPath(PathStatus.Literal, Unescape(part).Replace('\\', '/')));
            }
            else if (FileNameOf(part) is { } name && coveredName(name.Replace('*', 'x').Replace('?', 'x')))
            {
                results.Add(new ResolvedPath(PathStatus.Covered, part));
            }
            else if (LeadingProperty().Match(part) is { Success: true } lead && trustedPrefix(lead.Groups["name"].Value))
            {
                results.Add(new ResolvedPath(PathStatus.Covered, part, lead.Groups["name"].Value));
            }
            else
            {
                results.Add(new ResolvedPath(PathStatus.Dynamic, part));
            }
        }

        return results;
    }

    /// <summary>The expression with the location properties replaced by their (escaped) values; other properties stay.</summary>
    public static string Substitute(string expression, IReadOnlyDictionary<string, string> known) =>
        Property().Replace(expression, m => known.TryGetValue(m.Groups["name"].Value, out var value) ? Escape(value) : m.Value);

    public static string Unescape(string text) => EscapedByte().Replace(text, m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());

    public static bool HasWildcard(string path) => path.Contains('*', StringComparison.Ordinal) || path.Contains('?', StringComparison.Ordinal);

    /// <summary>MSBuild's wildcards as a regular expression over '/'-separated relative paths: `**` any folders, `*` and `?` within a name.</summary>
    public static Regex WildcardPattern(string relativePattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < relativePattern.Length; i++)
        {
            var c = relativePattern[i];
            if (c == '*' && i + 1 < relativePattern.Length && relativePattern[i + 1] == '*')
            {
                var slash = i + 2 < relativePattern.Length && relativePattern[i + 2] == '/';
                regex.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(c switch { '*' => "[^/]*", '?' => "[^/]", _ => Regex.Escape(c.ToString()) });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    private static bool IsComputed(string part) =>
        part.Contains("$(", StringComparison.Ordinal) || part.Contains("@(", StringComparison.Ordinal) || part.Contains("%(", StringComparison.Ordinal);

    // The name a computed path ends in: the text after the last ')', or the last quoted argument of a
    // path function such as $([MSBuild]::GetPathOfFileAbove('Directory.Build.props', ...)).
    private static string? FileNameOf(string part)
    {
        var tail = part[(part.LastIndexOf(')') + 1)..].Replace('\\', '/');
        var name = tail[(tail.LastIndexOf('/') + 1)..];
        if (name.Length == 0 && QuotedArgument().Matches(part) is { Count: > 0 } quoted)
        {
            name = quoted.Select(m => m.Groups["text"].Value.Replace('\\', '/'))
                .Select(t => t[(t.LastIndexOf('/') + 1)..])
                .LastOrDefault(n => n.Contains('.', StringComparison.Ordinal) && n.Trim('.').Length > 0) ?? "";
        }

        return name.Length == 0 ? null : Unescape(name);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ';' && depth == 0))
            {
                var part = text[start..i].Trim();
                if (part.Length > 0)
                {
                    yield return part;
                }

                start = i + 1;
            }
            else if (text[i] == '(')
            {
                depth++;
            }
            else if (text[i] == ')' && depth > 0)
            {
                depth--;
            }
        }
    }

    // A substituted location must stay literal text: a folder named "a;b" or "%24(x)" is not a list or a property.
    private static string Escape(string value) => value.Replace("%", "%25", StringComparison.Ordinal).Replace(";", "%3B", StringComparison.Ordinal)
        .Replace("$", "%24", StringComparison.Ordinal).Replace("@", "%40", StringComparison.Ordinal).Replace("*", "%2A", StringComparison.Ordinal)
        .Replace("?", "%3F", StringComparison.Ordinal);

    [GeneratedRegex(@"\$\(\s*(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*\)")]
    private static partial Regex Property();

    [GeneratedRegex(@"^\s*\$\(\s*(?<name>[A-Za-z_][A-Za-z0-9_.\-]*)\s*\)")]
    private static partial Regex LeadingProperty();

    [GeneratedRegex(@"'(?<text>[^'$()]*)'")]
    private static partial Regex QuotedArgument();

    [GeneratedRegex("%([0-9A-Fa-f]{2})")]
    private static partial Regex EscapedByte();
}
