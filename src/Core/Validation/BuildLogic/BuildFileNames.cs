using System.Text.RegularExpressions;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>Why a file is build logic: what reads it on the host before any sandbox exists.</summary>
public enum BuildFileKind
{
    /// <summary>A project file (`*.*proj`): evaluated by MSBuild, walked by restore.</summary>
    Project,

    /// <summary>`.props`, `.targets`, `.tasks`, `.projitems`, `*proj.user`: imported by MSBuild.</summary>
    MsBuild,

    /// <summary>`.sln`, `.slnx`, `.slnf`: choose which projects are evaluated.</summary>
    Solution,

    /// <summary>`Directory.Build.rsp`: switches MSBuild adds to every build (loggers, properties, more files).</summary>
    ResponseFile,

    /// <summary>NuGet.config in any casing, `packages.config`: where packages come from.</summary>
    NuGet,

    /// <summary>`packages.lock.json` and `packages.*.lock.json`: which packages, by content hash.</summary>
    LockFile,

    /// <summary>`global.json`: which SDK runs, which MSBuild SDK versions, which test runner.</summary>
    GlobalJson,

    /// <summary>`dotnet-tools.json`: which tools `dotnet tool restore` installs.</summary>
    ToolManifest,

    /// <summary>A `.nupkg` in the repository: a local feed restore may take a package from.</summary>
    Package,

    /// <summary>What restore writes (`project.assets.json`, `project.nuget.cache`, `*.nuget.dgspec.json`): a committed one decides a later restore.</summary>
    RestoreOutput,

    /// <summary>A file of any name that build logic refers to by path (an import, a task assembly, a script).</summary>
    Referenced,
}

/// <summary>
/// Which file names are build logic wherever they are in the repository. Matching ignores case: MSBuild and
/// NuGet on a case-insensitive file system read `directory.build.props` too, and hashing more is safe.
/// </summary>
public static partial class BuildFileNames
{
    public static BuildFileKind? Classify(string fileName)
    {
        var extension = Path.GetExtension(fileName);
        if (extension.Length > 1 && extension.EndsWith("proj", StringComparison.OrdinalIgnoreCase))
        {
            return BuildFileKind.Project;
        }

        if (IsAny(extension, ".props", ".targets", ".tasks", ".overridetasks", ".projitems")
            || (IsAny(extension, ".user") && Path.GetExtension(Path.GetFileNameWithoutExtension(fileName)).EndsWith("proj", StringComparison.OrdinalIgnoreCase)))
        {
            return BuildFileKind.MsBuild;
        }

        if (IsAny(extension, ".sln", ".slnx", ".slnf"))
        {
            return BuildFileKind.Solution;
        }

        if (IsAny(extension, ".nupkg"))
        {
            return BuildFileKind.Package;
        }

        return fileName.ToLowerInvariant() switch
        {
            "directory.build.rsp" => BuildFileKind.ResponseFile,
            "nuget.config" or "packages.config" => BuildFileKind.NuGet,
            "global.json" => BuildFileKind.GlobalJson,
            "dotnet-tools.json" => BuildFileKind.ToolManifest,
            "project.assets.json" or "project.nuget.cache" => BuildFileKind.RestoreOutput,
            var name when name.EndsWith(".nuget.dgspec.json", StringComparison.Ordinal) => BuildFileKind.RestoreOutput,
            var name when LockFileName().IsMatch(name) => BuildFileKind.LockFile,
            _ => null,
        };
    }

    /// <summary>Kinds whose content is MSBuild XML: the gate follows their imports and references.</summary>
    public static bool IsMsBuildXml(BuildFileKind kind) => kind is BuildFileKind.Project or BuildFileKind.MsBuild;

    private static bool IsAny(string extension, params string[] candidates) =>
        candidates.Any(c => extension.Equals(c, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^packages(\..+)?\.lock\.json$")]
    private static partial Regex LockFileName();
}
