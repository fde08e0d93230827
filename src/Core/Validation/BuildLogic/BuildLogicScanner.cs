using System.Security.Cryptography;
using System.Text;
using System.Xml;
using SandboxBuild.Probing;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// Finds and hashes every file the host's MSBuild and NuGet read before a sandbox exists, evaluating nothing:
/// files by name anywhere in the repository, then every file they name (imports of any extension, projects
/// of a solution, task assemblies, inline task sources, response files, files read during evaluation),
/// until nothing new is named. What cannot be followed without evaluating is a finding.
/// </summary>
public sealed class BuildLogicScanner
{
    private readonly RepositoryTree _tree;
    private readonly BuildLogicOptions _options;
    private readonly ReferenceResolver _resolver;
    private readonly List<Finding> _findings = [];
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly Queue<(string Relative, ReadAs Mode)> _queue = new();
    private readonly Dictionary<string, ReadAs> _seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _propertiesSet = new(StringComparer.OrdinalIgnoreCase);
    private readonly PackageCollector _packages;

    private BuildLogicScanner(RepositoryTree tree, BuildLogicOptions options)
    {
        _tree = tree;
        _options = options;
        var projectFolders = tree.Entries
            .Where(e => e.Type == TreeEntryType.File && BuildFileNames.Classify(Path.GetFileName(e.RelativePath)) == BuildFileKind.Project && !Excluded(e.RelativePath))
            .Select(e => Path.GetDirectoryName(tree.FullPath(e.RelativePath))!)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        _resolver = new ReferenceResolver(tree, projectFolders);
        _packages = new PackageCollector(tree.Root);
    }

    private enum ReadAs
    {
        /// <summary>Only whether it exists matters (a flag a condition checks): recorded as present, content free to change.</summary>
        Presence,
        Bytes,
        MsBuild,
        Solution,
        ResponseFile,
        GlobalJson,
        LockFile,
    }

    public static BuildLogicScan Scan(string root, BuildLogicOptions options)
    {
        var scanner = new BuildLogicScanner(RepositoryTree.Walk(root), options);
        return scanner.Run();
    }

    private BuildLogicScan Run()
    {
        foreach (var folder in _tree.UnreadableFolders)
        {
            _findings.Add(ScanFindings.Unreadable(_tree.Root, ".", $"{folder} cannot be listed: the build files in it are unknown"));
        }

        foreach (var entry in _tree.Entries)
        {
            if (BuildFileNames.Classify(Path.GetFileName(entry.RelativePath)) is { } kind && !Excluded(entry.RelativePath))
            {
                if (entry.Type == TreeEntryType.Link)
                {
                    _findings.Add(ScanFindings.Link(_tree.Root, entry.RelativePath, $"a link to '{new FileInfo(_tree.FullPath(entry.RelativePath)).LinkTarget}'"));
                }
                else if (entry.Type == TreeEntryType.File)
                {
                    Enqueue(entry.RelativePath, ModeFor(kind));
                }
            }
        }

        while (_queue.TryDequeue(out var next))
        {
            Read(next.Relative, next.Mode);
        }

        foreach (var (file, reference, property) in _resolver.ToolsetCovered.Where(c => _propertiesSet.Contains(c.Property)))
        {
            _findings.Add(ScanFindings.ToolsetRedirected(_tree.Root, file, reference, property));
        }

        var packages = _packages.Finish(_options.PackagesFolder, _files.Keys, _findings);
        return new BuildLogicScan
        {
            Root = _tree.Root,
            Current = new BuildLogicRecord(_files, packages.Packages, packages.Assets.ToDictionary(a => a.Key, a => a.Value.Hash, StringComparer.OrdinalIgnoreCase)),
            Findings = _findings,
            PackageOrigins = packages.Origins,
            Assets = packages.Assets,
            Covered = _resolver.Covered,
            EntriesWalked = _tree.Entries.Count,
        };
    }

    private bool Excluded(string relative) => _options.Exclude?.Invoke(relative) == true;

    // A file first seen as a mere flag is read again when something reads its content.
    private void Enqueue(string relative, ReadAs mode)
    {
        if (!_seen.TryGetValue(relative, out var before) || (before == ReadAs.Presence && mode != ReadAs.Presence))
        {
            _seen[relative] = mode;
            _queue.Enqueue((relative, mode));
        }
    }

    private void Read(string relative, ReadAs mode)
    {
        var full = _tree.FullPath(relative);
        if (LinuxStat.TryLstat(full, out var stat, out _) && stat.Kind == FileKind.Symlink)
        {
            _findings.Add(ScanFindings.Link(_tree.Root, relative, $"a link to '{new FileInfo(full).LinkTarget}'"));
            return;
        }

        if (mode == ReadAs.Presence)
        {
            _files.TryAdd(relative, BuildLogicRecord.Present);
            return;
        }

        if (stat.Kind != FileKind.Regular)
        {
            _findings.Add(ScanFindings.Unreadable(_tree.Root, relative, $"not a regular file ({stat.Kind})"));
            return;
        }

        if (mode == ReadAs.Bytes || stat.Size > MsBuildXmlReader.MaxBytes)
        {
            if (!ContentHash.TryOf(full, out var hash))
            {
                _findings.Add(ScanFindings.Unreadable(_tree.Root, relative, "a file that cannot be read"));
                return;
            }

            _files[relative] = hash;
            if (mode != ReadAs.Bytes)
            {
                _findings.Add(ScanFindings.Unreadable(_tree.Root, relative, $"{stat.Size} bytes, over the {MsBuildXmlReader.MaxBytes} bytes the gate reads for references"));
            }

            return;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _findings.Add(ScanFindings.Unreadable(_tree.Root, relative, e.Message));
            return;
        }

        _files[relative] = Convert.ToHexStringLower(SHA256.HashData(bytes));
        try
        {
            Interpret(relative, full, mode, bytes);
        }
        catch (XmlException e)
        {
            _findings.Add(ScanFindings.Unreadable(_tree.Root, relative, $"not well-formed XML ({e.Message})", e.LineNumber));
        }
        catch (FormatException e)
        {
            _findings.Add(ScanFindings.Unreadable(_tree.Root, relative, $"not readable as {mode} ({e.Message})"));
        }
    }

    private void Interpret(string relative, string full, ReadAs mode, byte[] bytes)
    {
        switch (mode)
        {
            case ReadAs.MsBuild:
                var facts = MsBuildXmlReader.Read(new MemoryStream(bytes, writable: false));
                _propertiesSet.UnionWith(facts.PropertiesSet);
                _packages.AddSdks(relative, facts.Sdks);
                Follow(relative, facts.References, BuildFileNames.Classify(Path.GetFileName(relative)) == BuildFileKind.Project);
                break;
            case ReadAs.Solution:
                Follow(relative, SolutionReader.Read(full, Text(bytes)), fileIsProject: false);
                break;
            case ReadAs.ResponseFile:
                Follow(relative, ResponseFileReader.Read(Text(bytes)), fileIsProject: false);
                break;
            case ReadAs.GlobalJson:
                var globalJson = GlobalJsonFacts.Read(Text(bytes));
                _packages.AddSdks(relative, globalJson.MsBuildSdks);
                JudgeSdkPaths(relative, globalJson.SdkPaths);
                break;
            case ReadAs.LockFile:
                _packages.AddLocked(relative, LockedPackage.Read(Text(bytes)));
                break;
        }
    }

    private void Follow(string relative, IEnumerable<BuildReference> references, bool fileIsProject)
    {
        foreach (var reference in references)
        {
            var targets = _resolver.Resolve(reference, relative, fileIsProject, _findings);
            if (reference.Kind == ReferenceKind.Assembly)
            {
                targets = [.. targets, .. targets.SelectMany(AssemblyNeighbours)];
            }

            foreach (var target in targets.Where(t => !Excluded(t)))
            {
                var byName = BuildFileNames.Classify(Path.GetFileName(target));
                Enqueue(target, byName is { } kind ? ModeFor(kind) : ModeFor(reference.Kind));
            }
        }
    }

    // MSBuild loads a task assembly's dependencies from its folder: they run on the host as much as the task does.
    private IEnumerable<string> AssemblyNeighbours(string assembly)
    {
        var folder = Path.GetDirectoryName(assembly) ?? "";
        return _tree.Entries
            .Where(e => e.Type == TreeEntryType.File && (Path.GetDirectoryName(e.RelativePath) ?? "") == folder
                && (e.RelativePath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || e.RelativePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)))
            .Select(e => e.RelativePath);
    }

    // The host's dotnet would run an SDK from any folder listed here before its own: a repository folder, or
    // a host folder the repository chose, is code of the repository's choosing on the host.
    private void JudgeSdkPaths(string relative, IReadOnlyList<string> sdkPaths)
    {
        var directory = Path.GetDirectoryName(_tree.FullPath(relative))!;
        foreach (var entry in sdkPaths.Where(p => p != GlobalJsonFacts.HostToken))
        {
            var full = Path.GetFullPath(entry.Replace('\\', '/'), directory);
            var inside = _tree.Relative(full);
            if (inside is null)
            {
                _findings.Add(ScanFindings.RepositorySdk(_tree.Root, relative, entry, $"is the host folder {full}, chosen by the repository"));
            }
            else if (inside.Length == 0 || _tree.Entries.Any(e => e.RelativePath == inside))
            {
                _findings.Add(ScanFindings.RepositorySdk(_tree.Root, relative, entry, "is a folder of the repository"));
            }
        }
    }

    private static string Text(byte[] bytes) => new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');

    private static ReadAs ModeFor(BuildFileKind kind) => kind switch
    {
        BuildFileKind.Project or BuildFileKind.MsBuild => ReadAs.MsBuild,
        BuildFileKind.Solution => ReadAs.Solution,
        BuildFileKind.ResponseFile => ReadAs.ResponseFile,
        BuildFileKind.GlobalJson => ReadAs.GlobalJson,
        BuildFileKind.LockFile => ReadAs.LockFile,
        _ => ReadAs.Bytes,
    };

    private static ReadAs ModeFor(ReferenceKind kind) => kind switch
    {
        ReferenceKind.Presence or ReferenceKind.Above => ReadAs.Presence,
        ReferenceKind.Import or ReferenceKind.Project => ReadAs.MsBuild,
        ReferenceKind.ResponseFile => ReadAs.ResponseFile,
        _ => ReadAs.Bytes,
    };
}
