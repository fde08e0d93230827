using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// The projects a solution makes `dotnet test` evaluate, whatever their extension: `.sln` (text), `.slnx`
/// (XML) and `.slnf` (a filter naming a solution and a subset of its projects).
/// </summary>
public static partial class SolutionReader
{
    // Solution folders are listed like projects but name no file.
    private const string SolutionFolderType = "2150E333-8FDC-42A3-9474-1A3956D46DE8";

    /// <exception cref="FormatException">The solution cannot be read.</exception>
    public static IReadOnlyList<BuildReference> Read(string fullPath, string content)
    {
        var extension = Path.GetExtension(fullPath).ToLowerInvariant();
        try
        {
            return extension switch
            {
                ".slnx" => ReadXml(content),
                ".slnf" => ReadFilter(fullPath, content),
                _ => ReadText(content),
            };
        }
        catch (Exception e) when (e is XmlException or JsonException or InvalidOperationException)
        {
            throw new FormatException(e.Message, e);
        }
    }

    private static List<BuildReference> ReadText(string content)
    {
        var references = new List<BuildReference>();
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var match = ProjectLine().Match(lines[i]);
            if (match.Success && !match.Groups["type"].Value.Equals(SolutionFolderType, StringComparison.OrdinalIgnoreCase))
            {
                references.Add(new BuildReference(ReferenceKind.Project, match.Groups["path"].Value, i + 1));
            }
        }

        return references;
    }

    private static List<BuildReference> ReadXml(string content)
    {
        var references = new List<BuildReference>();
        using var reader = XmlReader.Create(new StringReader(content), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null });
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName.Equals("Project", StringComparison.OrdinalIgnoreCase)
                && reader.GetAttribute("Path") is { Length: > 0 } path)
            {
                references.Add(new BuildReference(ReferenceKind.Project, path, ((IXmlLineInfo)reader).LineNumber));
            }
        }

        return references;
    }

    // A filter's project paths are relative to the solution it names, which is relative to the filter.
    private static List<BuildReference> ReadFilter(string fullPath, string content)
    {
        using var document = JsonDocument.Parse(content, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var solution = document.RootElement.GetProperty("solution");
        var solutionPath = solution.GetProperty("path").GetString() ?? "";
        var references = new List<BuildReference> { new(ReferenceKind.Project, solutionPath, 1) };
        var solutionDirectory = Path.GetDirectoryName(Path.GetFullPath(solutionPath.Replace('\\', '/'), Path.GetDirectoryName(fullPath)!))!;
        if (solution.TryGetProperty("projects", out var projects))
        {
            foreach (var project in projects.EnumerateArray())
            {
                var relative = (project.GetString() ?? "").Replace('\\', '/');
                references.Add(new BuildReference(ReferenceKind.Project, Path.GetFullPath(relative, solutionDirectory), 1));
            }
        }

        return references;
    }

    [GeneratedRegex(@"^\s*Project\(""\{(?<type>[^}]*)\}""\)\s*=\s*""[^""]*""\s*,\s*""(?<path>[^""]*)""", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectLine();
}
