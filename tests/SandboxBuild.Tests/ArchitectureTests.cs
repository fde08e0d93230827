using System.Text.RegularExpressions;

namespace SandboxBuild.Tests;

/// <summary>
/// The core library's folders point one way (Diagnostics &lt;- Policy &lt;- Engine/Artifacts &lt;- Validation &lt;-
/// Reporting &lt;- Runs), and the Docker client is used only in Engine. Read from the sources: a `using`, a
/// fully qualified name, or a partly qualified one (`Reporting.JsonText`) all count.
/// </summary>
public partial class ArchitectureTests
{
    /// <summary>A folder may use folders of a lower rank only. A new folder must be placed here.</summary>
    private static readonly Dictionary<string, int> Ranks = new(StringComparer.Ordinal)
    {
        ["Diagnostics"] = 0,
        ["Probing"] = 0,
        ["Host"] = 1,
        ["Policy"] = 1,
        ["Engine"] = 2,
        ["Artifacts"] = 2,
        ["BuildLogic"] = 3,
        ["Validation"] = 3,
        ["Restore"] = 4,
        ["Reporting"] = 4,
        ["Runs"] = 5,
        ["TestModules"] = 6,
    };

    [Fact]
    public void Core_folders_depend_only_on_lower_layers()
    {
        var violations = new List<string>();
        foreach (var (file, folder) in CoreFiles())
        {
            Assert.True(Ranks.ContainsKey(folder), $"The folder {folder} has no place in the layers: add it to {nameof(Ranks)}.");
            foreach (var used in UsedFolders(Code(file)).Where(u => u != folder && Ranks.ContainsKey(u)))
            {
                if (Ranks[used] >= Ranks[folder])
                {
                    violations.Add($"{Path.GetRelativePath(CoreRoot, file)} ({folder}) uses {used}");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void The_docker_client_is_used_only_in_engine()
    {
        var outside = CoreFiles()
            .Where(f => f.Folder != "Engine" && DockerClient().IsMatch(Code(f.File)))
            .Select(f => Path.GetRelativePath(CoreRoot, f.File))
            .ToArray();

        Assert.True(outside.Length == 0, $"Docker.DotNet outside Engine/: {string.Join(", ", outside)}");
    }

    [Fact]
    public void The_check_sees_a_planted_violation()
    {
        Assert.Contains("Runs", UsedFolders("namespace SandboxBuild.Validation;\nvar x = Runs.StatePaths.For(s);"));
        Assert.Contains("Reporting", UsedFolders("using SandboxBuild.Reporting;"));
        Assert.DoesNotContain("Policy", UsedFolders("var copy = baseline.Policy.DeepClone(); // Policy.X in a comment\nvar s = \"Policy.Y\";"));
        Assert.Matches(DockerClient(), "catch (Docker.DotNet.DockerApiException)");
    }

    private static string CoreRoot => Path.Combine(CodesTests.RepositoryRoot(), "src", "Core");

    private static IEnumerable<(string File, string Folder)> CoreFiles() =>
        Directory.EnumerateFiles(CoreRoot, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(CoreRoot, f).Split('/').Any(p => p is "bin" or "obj"))
            .Select(f => (f, Path.GetRelativePath(CoreRoot, f).Split('/')[0]))
            .Where(f => f.Item2 != Path.GetFileName(f.f));

    /// <summary>The source without comments and string literals, so only code is read.</summary>
    private static string Code(string fileOrText) =>
        CommentsAndStrings().Replace(File.Exists(fileOrText) ? File.ReadAllText(fileOrText) : fileOrText, "");

    private static HashSet<string> UsedFolders(string source)
    {
        var code = Code(source);
        return QualifiedFolder().Matches(code).Select(m => m.Groups["folder"].Value).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/|@""(?:[^""]|"""")*""|""(?:[^""\\\n]|\\.)*""", RegexOptions.Singleline)]
    private static partial Regex CommentsAndStrings();

    // `using SandboxBuild.X;` or `SandboxBuild.X.Y`, or `X.Type` not preceded by a member access (`a.Policy.Image` is a property).
    [GeneratedRegex(@"SandboxBuild\.(?<folder>Artifacts|Diagnostics|Engine|Host|Policy|Probing|Reporting|Runs|Validation|Restore|BuildLogic|TestModules)\b|(?<![\w.?!)\]])(?<folder>Artifacts|Diagnostics|Engine|Host|Policy|Probing|Reporting|Runs|Validation|Restore|BuildLogic|TestModules)\.(?=[A-Z])")]
    private static partial Regex QualifiedFolder();

    [GeneratedRegex(@"\bDocker\.DotNet\b")]
    private static partial Regex DockerClient();
}
