using SandboxBuild.Validation;
using SandboxBuild.Validation.BuildLogic;

namespace SandboxBuild.Tests.BuildLogic;

/// <summary>
/// A small repository with every kind of build-logic file, a package folder holding the packages its lock
/// files pin (one with build assets), and the gate's record of it. Each test changes something and judges.
/// </summary>
internal sealed class SampleRepository : IDisposable
{
    public const string LockedFoo = """
        {
          "version": 1,
          "dependencies": {
            "net10.0": {
              "Foo": { "type": "Direct", "requested": "[VERSION, )", "resolved": "VERSION", "contentHash": "HASH" },
              "MyLib": { "type": "Project" }
            }
          }
        }
        """;

    private readonly TempFolder _root = new();
    private readonly TempFolder _packages = new();
    private readonly TempFolder _records = new();

    public SampleRepository()
    {
        Write("Directory.Build.props", "<Project><PropertyGroup><Nullable>enable</Nullable></PropertyGroup></Project>");
        Write("Directory.Build.targets", "<Project><Target Name=\"Hello\" /></Project>");
        Write("Directory.Packages.props", "<Project><ItemGroup><PackageVersion Include=\"Foo\" Version=\"1.0.0\" /></ItemGroup></Project>");
        Write("Directory.Build.rsp", "-nologo\n");
        Write("NuGet.config", "<configuration><packageSources><clear /><add key=\"nuget\" value=\"https://api.nuget.org/v3/index.json\" /></packageSources></configuration>");
        Write("global.json", "{ \"sdk\": { \"version\": \"10.0.100\" }, \"test\": { \"runner\": \"Microsoft.Testing.Platform\" } }");
        Write(".config/dotnet-tools.json", "{ \"version\": 1, \"isRoot\": true, \"tools\": {} }");
        Write("App.sln", "Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"App\", \"src\\App\\App.csproj\", \"{11111111-1111-1111-1111-111111111111}\"\nEndProject\n");
        Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup><PackageReference Include=\"Foo\" /></ItemGroup></Project>");
        Write("src/App/App.csproj.user", "<Project />");
        Write("src/App/Program.cs", "System.Console.WriteLine(1);");
        Write("src/App/packages.lock.json", Lock("1.0.0", "AAAA"));
        Write("tests/App.Tests/App.Tests.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        Write("tests/App.Tests/packages.lock.json", "{ \"version\": 1, \"dependencies\": { \"net10.0\": {} } }");
        Write("tests/App.Tests/Tests.cs", "class Tests {}");
        WritePackage("Foo", "1.0.0", "build/Foo.targets", "<Project />");
        WritePackage("Foo", "2.0.0", "build/Foo.targets", "<Project><Target Name=\"Evil\" BeforeTargets=\"Restore\" /></Project>");
    }

    public string Root => _root.Path;

    public string PackagesFolder => _packages.Path;

    public string RecordFile => Path.Combine(_records.Path, "build-logic.json");

    public BuildLogicOptions Options => new() { PackagesFolder = PackagesFolder };

    public static string Lock(string version, string hash) => LockedFoo.Replace("VERSION", version, StringComparison.Ordinal).Replace("HASH", hash, StringComparison.Ordinal);

    public string Write(string relative, string content) => _root.Write(relative, content);

    public void Delete(string relative) => File.Delete(Path.Combine(Root, relative));

    public void WritePackage(string id, string version, string relative, string content) =>
        _packages.Write(Path.Combine(id.ToLowerInvariant(), version, relative), content);

    public ValidationReport Record()
    {
        var (report, _) = BuildLogicGate.Record(Root, RecordFile, Options);
        Assert.True(report.Passed, string.Join("\n", report.Failures.Select(f => $"{f.Code.Id} {f.Describe()}")));
        return report;
    }

    public ValidationReport Judge() => BuildLogicGate.Judge(Root, RecordFile, Options).Report;

    public void Dispose()
    {
        _root.Dispose();
        _packages.Dispose();
        _records.Dispose();
    }
}

internal static class FindingAssertions
{
    /// <summary>The failed findings as "CODE subject" lines, sorted, so a test states every failure it expects.</summary>
    public static string[] Failed(this ValidationReport report) =>
        report.Failures.Select(f => $"{f.Code.Id} {f.Subject}").Order(StringComparer.Ordinal).ToArray();
}
