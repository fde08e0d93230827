using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// The build logic now against the approved record: one finding per file added, removed or modified, one per
/// package added, removed, bumped or changed in content, one per package whose build assets differ.
/// </summary>
public static class BuildLogicDiff
{
    public static IReadOnlyList<Finding> Compare(BuildLogicRecord approved, BuildLogicScan scan)
    {
        var findings = new List<Finding>();
        var current = scan.Current;
        foreach (var path in approved.Files.Keys.Union(current.Files.Keys).Order(StringComparer.Ordinal))
        {
            var at = ScanFindings.At(scan.Root, path);
            var was = approved.Files.GetValueOrDefault(path);
            var now = current.Files.GetValueOrDefault(path);
            if (was is null)
            {
                findings.Add(Finding.Fail(Codes.BuildLogicAdded, FactSource.BuildLogic, path, $"added ({Describe(path)}, {Content(now!)})", "not in the approved record", at));
            }
            else if (now is null)
            {
                findings.Add(Finding.Fail(Codes.BuildLogicRemoved, FactSource.BuildLogic, path, $"removed ({Describe(path)})", $"present ({Content(was)}) as recorded", at));
            }
            else if (was != now)
            {
                findings.Add(Finding.Fail(Codes.BuildLogicModified, FactSource.BuildLogic, path, $"modified ({Describe(path)}, {Content(now)})", $"{Content(was)} as recorded", at));
            }
        }

        ComparePackages(approved, scan, findings);
        foreach (var (key, hash) in current.PackageBuildAssets.Where(a => approved.PackageBuildAssets.TryGetValue(a.Key, out var was) && was != a.Value))
        {
            findings.Add(Finding.Fail(Codes.BuildLogicPackageAssetsChanged, FactSource.BuildLogic, $"package {key}",
                $"{scan.Assets[key].Describe()}, sha256 {Short(hash)}", $"sha256 {Short(approved.PackageBuildAssets[key])} as recorded", Origin(scan, key)));
        }

        return findings;
    }

    private static void ComparePackages(BuildLogicRecord approved, BuildLogicScan scan, List<Finding> findings)
    {
        var before = ById(approved.Packages);
        var after = ById(scan.Current.Packages);
        foreach (var id in before.Keys.Union(after.Keys, StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase))
        {
            var was = before.GetValueOrDefault(id) ?? [];
            var now = after.GetValueOrDefault(id) ?? [];
            var oldVersions = string.Join(", ", was.Select(p => p.Version));
            var newVersions = string.Join(", ", now.Select(p => p.Version));
            if (!oldVersions.Equals(newVersions, StringComparison.OrdinalIgnoreCase))
            {
                var seen = now.Count == 0 ? "removed" : $"{(was.Count == 0 ? "added" : "now")} {newVersions}{Assets(scan, id, now)}";
                findings.Add(Finding.Fail(Codes.BuildLogicPackageChanged, FactSource.BuildLogic, $"package {id}", seen,
                    was.Count == 0 ? "not in the approved record" : $"{oldVersions} as recorded", now.Count > 0 ? Origin(scan, now[0].Key) : null));
                continue;
            }

            foreach (var (version, key, value) in now.Where(p => approved.Packages.GetValueOrDefault(p.Key) is { } recorded && recorded != p.Value))
            {
                findings.Add(Finding.Fail(Codes.BuildLogicPackageChanged, FactSource.BuildLogic, $"package {id} {version}",
                    $"content {Short(value)}", $"content {Short(approved.Packages[key])} as recorded", Origin(scan, key)));
            }
        }
    }

    private static Dictionary<string, List<(string Version, string Key, string Value)>> ById(IReadOnlyDictionary<string, string> packages) =>
        packages.Select(p => (Id: p.Key[..p.Key.LastIndexOf('/')], Version: p.Key[(p.Key.LastIndexOf('/') + 1)..], p.Key, p.Value))
            .GroupBy(p => p.Id, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.Version, StringComparer.OrdinalIgnoreCase).Select(p => (p.Version, p.Key, p.Value)).ToList(), StringComparer.OrdinalIgnoreCase);

    private static string Assets(BuildLogicScan scan, string id, List<(string Version, string Key, string Value)> versions)
    {
        var known = versions.Select(v => scan.Assets.GetValueOrDefault(v.Key)).OfType<PackageBuildAssets>().ToList();
        return known.Count == 0 ? " (not restored here: its build assets are not known yet)" : $" ({string.Join("; ", known.Select(a => a.Describe()))})";
    }

    private static SourceLocation? Origin(BuildLogicScan scan, string key) =>
        scan.PackageOrigins.TryGetValue(key, out var file) ? ScanFindings.At(scan.Root, file) : null;

    private static string Describe(string path) => BuildFileNames.Classify(Path.GetFileName(path)) switch
    {
        BuildFileKind.Project => "project file",
        BuildFileKind.MsBuild => "MSBuild file",
        BuildFileKind.Solution => "solution",
        BuildFileKind.ResponseFile => "MSBuild response file",
        BuildFileKind.NuGet => "NuGet configuration",
        BuildFileKind.LockFile => "lock file",
        BuildFileKind.GlobalJson => "global.json",
        BuildFileKind.ToolManifest => "tool manifest",
        BuildFileKind.Package => "package in a local feed",
        BuildFileKind.RestoreOutput => "restore output",
        _ => "file the build logic names",
    };

    private static string Content(string value) => value == BuildLogicRecord.Present ? "only its presence is checked" : $"sha256 {Short(value)}";

    private static string Short(string? hash) => hash is null ? "-" : hash.Length > 12 ? hash[..12] : hash;
}
