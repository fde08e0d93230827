using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>The findings a scan makes, worded once: what was seen, what was expected, where.</summary>
internal static class ScanFindings
{
    public static Finding Link(string root, string relative, string seen, SourceLocation? location = null) =>
        Finding.Fail(Codes.BuildLogicSymlink, FactSource.BuildLogic, relative, seen, "a regular file inside the repository, not a link", location ?? At(root, relative));

    public static Finding Unreadable(string root, string relative, string seen, int line = 0) =>
        Finding.Fail(Codes.BuildLogicUnreadable, FactSource.BuildLogic, relative, seen, "a readable, well-formed file", At(root, relative, line));

    public static Finding Computed(string root, string relative, BuildReference reference) =>
        Finding.Fail(Codes.BuildLogicDynamicPath, FactSource.BuildLogic, $"{relative}:{reference.Line} {Describe(reference.Kind)}",
            $"'{reference.Expression}'", "a path known without evaluating the build", At(root, relative, reference.Line));

    public static Finding ToolsetRedirected(string root, string relative, BuildReference reference, string property) =>
        Finding.Fail(Codes.BuildLogicDynamicPath, FactSource.BuildLogic, $"{relative}:{reference.Line} {Describe(reference.Kind)}",
            $"'{reference.Expression}', and a build file of the repository sets $({property})", "a path known without evaluating the build", At(root, relative, reference.Line));

    public static Finding Outside(string root, string relative, BuildReference reference, string target) =>
        Finding.Fail(Codes.BuildLogicOutsideRepository, FactSource.BuildLogic, $"{relative}:{reference.Line} {Describe(reference.Kind)}",
            $"'{reference.Expression}' names {target}", "a file inside the repository", At(root, relative, reference.Line));

    public static Finding RepositorySdk(string root, string relative, string entry, string seen) =>
        Finding.Fail(Codes.BuildLogicRepositorySdk, FactSource.BuildLogic, $"{relative} sdk.paths", $"'{entry}' {seen}",
            "SDKs only from the dotnet that was started (\"$host$\")", At(root, relative, 1));

    public static string Describe(ReferenceKind kind) => kind switch
    {
        ReferenceKind.Import => "import",
        ReferenceKind.Project => "project",
        ReferenceKind.Assembly => "task or logger assembly",
        ReferenceKind.TaskSource => "inline task source",
        ReferenceKind.FileRead => "file read during evaluation",
        ReferenceKind.ResponseFile => "response file",
        _ => "file a target uses",
    };

    public static SourceLocation At(string root, string relative, int line = 0) => new(Path.Combine(root, relative), line);
}
