using System.Text.RegularExpressions;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// Turns one reference of a build file into the files of the repository it can name, without evaluating:
/// literal paths (with MSBuild wildcards) are looked up in the walked tree, never through a link; a computed
/// path is a finding unless whatever it lands on is hashed anyway. Relative item paths in an imported file
/// are relative to each importing project, so they are tried against every project folder.
/// </summary>
internal sealed partial class ReferenceResolver
{
    private readonly RepositoryTree _tree;
    private readonly Dictionary<string, TreeEntryType> _types;
    private readonly IReadOnlyList<string> _projectDirectories;

    public ReferenceResolver(RepositoryTree tree, IReadOnlyList<string> projectDirectories)
    {
        _tree = tree;
        _types = tree.Entries.ToDictionary(e => e.RelativePath, e => e.Type, StringComparer.Ordinal);
        _projectDirectories = projectDirectories;
    }

    /// <summary>Computed paths accepted because they start with a toolset property: valid only if no build file sets that property.</summary>
    public List<(string File, BuildReference Reference, string Property)> ToolsetCovered { get; } = [];

    public List<string> Covered { get; } = [];

    /// <summary>The repository files (relative paths) the reference names; findings for what cannot be followed.</summary>
    public List<string> Resolve(BuildReference reference, string fileRelative, bool fileIsProject, List<Finding> findings)
    {
        var file = _tree.FullPath(fileRelative);
        var known = PathExpression.LocationProperties(file, fileIsProject);
        var directory = Path.GetDirectoryName(file)!;
        return reference.Kind switch
        {
            ReferenceKind.Above => Above(reference, fileRelative, directory),
            ReferenceKind.Presence => Guesses([PathExpression.Substitute(reference.Expression, known)], reference, fileRelative, directory),
            ReferenceKind.BestEffort => Guesses(
                Tokens().Split(PathExpression.Substitute(reference.Expression, known)).Where(t => !t.StartsWith('-') && (t.Contains('/', StringComparison.Ordinal) || t.Contains('.', StringComparison.Ordinal))),
                reference, fileRelative, directory),
            _ => Expression(reference, fileRelative, fileIsProject, known, directory, findings),
        };
    }

    // Every folder from here up to the root that could hold the name: adding one there moves the result.
    private List<string> Above(BuildReference reference, string fileRelative, string directory)
    {
        var found = new List<string>();
        for (string? folder = directory; folder is not null && _tree.Relative(folder) is not null; folder = Path.GetDirectoryName(folder))
        {
            found.AddRange(Lookup(Path.Combine(folder, reference.Expression), reference, fileRelative, null));
        }

        return found;
    }

    // Paths taken from a command or a condition: whatever they name in the repository is followed, from the
    // file's folder, every project folder and the root; a computed or missing one is not a finding.
    private List<string> Guesses(IEnumerable<string> paths, BuildReference reference, string fileRelative, string directory)
    {
        var found = new List<string>();
        foreach (var path in paths.Where(p => p.Length > 0 && !p.Contains('$', StringComparison.Ordinal)).Select(p => PathExpression.Unescape(p).Replace('\\', '/')))
        {
            found.AddRange(Bases(path, directory, includeRoot: true).SelectMany(b => Lookup(Path.GetFullPath(path, b), reference, fileRelative, null)));
        }

        return found;
    }

    private List<string> Expression(
        BuildReference reference, string fileRelative, bool fileIsProject, IReadOnlyDictionary<string, string> known, string directory, List<Finding> findings)
    {
        var found = new List<string>();
        foreach (var part in PathExpression.Resolve(reference.Expression, known, name => IsCoveredName(reference.Kind, name), PathExpression.ToolsetProperties.Contains))
        {
            switch (part.Status)
            {
                case PathStatus.Literal:
                    found.AddRange(Lookup(Path.GetFullPath(part.Text, directory), reference, fileRelative, findings));
                    if (reference.Kind != ReferenceKind.Import && !fileIsProject && !Path.IsPathRooted(part.Text))
                    {
                        // Item paths in an imported file are relative to each project that imports it.
                        var others = Bases(part.Text, directory, includeRoot: reference.Kind == ReferenceKind.FileRead).Skip(1);
                        found.AddRange(others.SelectMany(b => Lookup(Path.GetFullPath(part.Text, b), reference, fileRelative, null)));
                    }

                    break;
                case PathStatus.Covered:
                    Covered.Add($"{fileRelative}:{reference.Line} {ScanFindings.Describe(reference.Kind)} '{part.Text}'");
                    if (part.ToolsetProperty is { } property)
                    {
                        ToolsetCovered.Add((fileRelative, reference, property));
                    }

                    break;
                default:
                    findings.Add(ScanFindings.Computed(_tree.Root, fileRelative, reference with { Expression = part.Text }));
                    break;
            }
        }

        return found;
    }

    private static bool IsCoveredName(ReferenceKind kind, string name) => (kind, BuildFileNames.Classify(name)) switch
    {
        (ReferenceKind.Import, BuildFileKind.Project or BuildFileKind.MsBuild) => true,
        (ReferenceKind.Project, BuildFileKind.Project or BuildFileKind.MsBuild or BuildFileKind.Solution) => true,
        (ReferenceKind.ResponseFile, BuildFileKind.ResponseFile) => true,
        (ReferenceKind.FileRead, not null) => true,
        _ => false,
    };

    private IEnumerable<string> Bases(string path, string fileDirectory, bool includeRoot)
    {
        yield return fileDirectory;
        if (Path.IsPathRooted(path))
        {
            yield break;
        }

        foreach (var project in _projectDirectories.Where(p => p != fileDirectory))
        {
            yield return project;
        }

        if (includeRoot)
        {
            yield return _tree.Root;
        }
    }

    // findings == null: a guess (another base folder, a token of a command); nothing found is not a finding.
    private IEnumerable<string> Lookup(string fullPath, BuildReference reference, string fileRelative, List<Finding>? findings)
    {
        var relative = _tree.Relative(fullPath);
        if (relative is null || relative.Split('/').Contains(".git", StringComparer.OrdinalIgnoreCase))
        {
            findings?.Add(ScanFindings.Outside(_tree.Root, fileRelative, reference, relative is null ? fullPath : "git's own folder"));
            return [];
        }

        if (!PathExpression.HasWildcard(relative))
        {
            return ThroughNoLink(relative, reference, fileRelative, findings) == TreeEntryType.File ? [relative] : [];
        }

        var segments = relative.Split('/');
        var fixedCount = segments.TakeWhile(s => !PathExpression.HasWildcard(s)).Count();
        var baseFolder = string.Join('/', segments.Take(fixedCount));
        if (baseFolder.Length > 0 && ThroughNoLink(baseFolder, reference, fileRelative, findings) != TreeEntryType.Directory)
        {
            return [];
        }

        var pattern = PathExpression.WildcardPattern(string.Join('/', segments.Skip(fixedCount)));
        var prefix = baseFolder.Length == 0 ? "" : baseFolder + "/";
        var under = _tree.Entries.Where(e => e.RelativePath.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var link = under.FirstOrDefault(e => e.Type == TreeEntryType.Link);
        if (link.RelativePath is not null)
        {
            findings?.Add(ScanFindings.Link(_tree.Root, link.RelativePath, $"a link under the wildcard '{reference.Expression}' of {fileRelative}:{reference.Line}",
                ScanFindings.At(_tree.Root, fileRelative, reference.Line)));
        }

        return under.Where(e => e.Type == TreeEntryType.File && pattern.IsMatch(e.RelativePath[prefix.Length..])).Select(e => e.RelativePath).ToList();
    }

    /// <summary>The type of the entry at the path, or null when absent; a link on the way is a finding and ends the lookup.</summary>
    private TreeEntryType? ThroughNoLink(string relative, BuildReference reference, string fileRelative, List<Finding>? findings)
    {
        var end = -1;
        do
        {
            end = relative.IndexOf('/', end + 1);
            var prefix = end < 0 ? relative : relative[..end];
            if (!_types.TryGetValue(prefix, out var type))
            {
                return null;
            }

            if (type == TreeEntryType.Link)
            {
                findings?.Add(ScanFindings.Link(_tree.Root, prefix, $"a link, named by {fileRelative}:{reference.Line} ('{reference.Expression}')",
                    ScanFindings.At(_tree.Root, fileRelative, reference.Line)));
                return null;
            }

            if (end < 0)
            {
                return type;
            }
        }
        while (true);
    }

    [GeneratedRegex(@"[\s""'`;&|<>=,()]+")]
    private static partial Regex Tokens();
}
