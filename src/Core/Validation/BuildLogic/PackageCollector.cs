using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// The packages whose build assets the host's MSBuild imports, as far as they are known before restore:
/// every package a lock file pins (id, version, content hash), and MSBuild project SDKs with a version. A
/// project without a lock file restores whatever its references resolve to then: that is said, not guessed.
/// </summary>
internal sealed class PackageCollector(string root)
{
    private readonly Dictionary<string, string> _packages = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, (string Id, string Version)> _identities = new(StringComparer.OrdinalIgnoreCase);

    public void AddLocked(string lockFile, IEnumerable<LockedPackage> packages)
    {
        foreach (var package in packages)
        {
            var key = Add(lockFile, package.Id, package.Version);
            var hash = $"sha512-{package.ContentHash}";
            // Two lock files that disagree on a package's content both count: either content may be restored.
            _packages[key] = _packages.TryGetValue(key, out var known) && known != BuildLogicRecord.MsBuildSdk && known != hash
                ? string.Join(' ', known.Split(' ').Append(hash).Distinct().Order(StringComparer.Ordinal))
                : hash;
        }
    }

    public void AddSdks(string file, IEnumerable<SdkReference> sdks)
    {
        foreach (var sdk in sdks.Where(s => s.Name.Length > 0 && !string.IsNullOrWhiteSpace(s.Version)))
        {
            var key = Add(file, sdk.Name, sdk.Version!.Trim());
            _packages.TryAdd(key, BuildLogicRecord.MsBuildSdk);
        }
    }

    public (Dictionary<string, string> Packages, Dictionary<string, string> Origins, Dictionary<string, PackageBuildAssets> Assets) Finish(
        string? packagesFolder, IEnumerable<string> hashedFiles, List<Finding> findings)
    {
        var assets = new Dictionary<string, PackageBuildAssets>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, (id, version)) in _identities)
        {
            if (PackageBuildAssets.Find(packagesFolder, id, version) is { } found)
            {
                assets[key] = found;
            }
        }

        JudgeLockFiles(hashedFiles.ToList(), findings);
        return (_packages, _origins, assets);
    }

    private string Add(string file, string id, string version)
    {
        var key = BuildLogicRecord.PackageKey(id, version);
        _identities.TryAdd(key, (id, version));
        _origins.TryAdd(key, file);
        return key;
    }

    private void JudgeLockFiles(List<string> files, List<Finding> findings)
    {
        var lockFolders = files.Where(f => BuildFileNames.Classify(Path.GetFileName(f)) == BuildFileKind.LockFile)
            .Select(f => Path.GetDirectoryName(f) ?? "").ToHashSet(StringComparer.Ordinal);
        var projects = files.Where(f => BuildFileNames.Classify(Path.GetFileName(f)) == BuildFileKind.Project).ToList();
        var unpinned = projects.Where(p => !lockFolders.Contains(Path.GetDirectoryName(p) ?? "")).ToList();
        if (unpinned.Count > 0)
        {
            var examples = string.Join(", ", unpinned.Take(3)) + (unpinned.Count > 3 ? ", ..." : "");
            findings.Add(Finding.Fail(Codes.BuildLogicNoLockFile, FactSource.BuildLogic, "restored packages",
                $"{unpinned.Count} of {projects.Count} projects without packages.lock.json ({examples}): their transitive packages and floating versions are chosen at restore, so their build assets cannot be known before",
                "a lock file next to every project", ScanFindings.At(root, unpinned[0])));
        }
    }
}
