using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Validation;
using SandboxBuild.Validation.BuildLogic;

namespace SandboxBuild.Tests.BuildLogic;

/// <summary>The gate over files found by name: every kind the host's MSBuild and NuGet read fails when changed; source code does not.</summary>
public sealed class BuildLogicFileTests
{
    [Fact]
    public void An_unchanged_tree_passes_with_every_kind_of_file_recorded()
    {
        using var repository = new SampleRepository();
        repository.Record();

        var report = repository.Judge();

        Assert.True(report.Passed, string.Join("\n", report.Failed()));
        Assert.DoesNotContain(report.Findings, f => f.Status != CheckStatus.Pass);
        var files = BuildLogicRecord.Read(repository.RecordFile).Files.Keys;
        Assert.Equal(
            [".config/dotnet-tools.json", "App.sln", "Directory.Build.props", "Directory.Build.rsp", "Directory.Build.targets", "Directory.Packages.props",
             "NuGet.config", "global.json", "src/App/App.csproj", "src/App/App.csproj.user", "src/App/packages.lock.json",
             "tests/App.Tests/App.Tests.csproj", "tests/App.Tests/packages.lock.json"],
            files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_source_code_change_alone_passes()
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.Write("src/App/Program.cs", "System.Console.WriteLine(\"changed\");");
        repository.Write("src/App/NewFile.cs", "class New {}");
        repository.Delete("tests/App.Tests/Tests.cs");

        var report = repository.Judge();

        Assert.True(report.Passed, string.Join("\n", report.Failed()));
    }

    [Theory]
    [InlineData("Directory.Build.props")]
    [InlineData("Directory.Build.targets")]
    [InlineData("Directory.Packages.props")]
    [InlineData("Directory.Build.rsp")]
    [InlineData("NuGet.config")]
    [InlineData("global.json")]
    [InlineData(".config/dotnet-tools.json")]
    [InlineData("App.sln")]
    [InlineData("src/App/App.csproj")]
    [InlineData("src/App/App.csproj.user")]
    [InlineData("tests/App.Tests/App.Tests.csproj")]
    [InlineData("tests/App.Tests/packages.lock.json")]
    public void Modifying_a_build_file_fails_naming_it(string relative)
    {
        using var repository = new SampleRepository();
        repository.Record();
        File.AppendAllText(Path.Combine(repository.Root, relative), "\n");

        var report = repository.Judge();

        Assert.Equal([$"SBX2401 {relative}"], report.Failed());
        var finding = Assert.Single(report.Failures);
        Assert.Equal(Path.Combine(repository.Root, relative), finding.Location?.File);
        Assert.StartsWith("modified", finding.Seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("src/Lib/Lib.fsproj", "<Project />")]
    [InlineData("build/extra.targets", "<Project />")]
    [InlineData("Directory.Solution.props", "<Project />")]
    [InlineData("before.App.sln.targets", "<Project />")]
    [InlineData("src/nuget.CONFIG", "<configuration />")]
    [InlineData("src/App/global.json", "{}")]
    [InlineData("src/App/packages.config", "<packages />")]
    [InlineData("local-feed/Foo.1.0.0.nupkg", "not really a zip")]
    [InlineData("src/App/obj/App.csproj.nuget.g.props", "<Project />")]
    [InlineData("src/App/obj/App.csproj.EntityFrameworkCore.targets", "<Project />")]
    [InlineData("src/App/obj/project.assets.json", "{}")]
    [InlineData("src/App/bin/Debug/tool.props", "<Project />")]
    [InlineData("Tool.slnx", "<Solution />")]
    [InlineData("src/App/dotnet-tools.json", "{}")]
    public void Adding_a_build_file_anywhere_fails_naming_it(string relative, string content)
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.Write(relative, content);

        var report = repository.Judge();

        Assert.Equal([$"SBX2402 {relative}"], report.Failed());
    }

    [Fact]
    public void Removing_a_build_file_fails_naming_it()
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.Delete("Directory.Build.targets");

        var report = repository.Judge();

        Assert.Equal(["SBX2403 Directory.Build.targets"], report.Failed());
    }

    [Fact]
    public void The_record_is_sorted_with_one_file_a_line()
    {
        using var repository = new SampleRepository();
        repository.Record();

        var lines = File.ReadAllLines(repository.RecordFile);
        var json = JsonNode.Parse(File.ReadAllText(repository.RecordFile))!;

        Assert.Equal(BuildLogicRecord.Schema, json["schema"]!.GetValue<string>());
        var fileLines = lines.SkipWhile(l => !l.Contains("\"files\"", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.TrimStart().StartsWith('}')).ToList();
        Assert.Equal(json["files"]!.AsObject().Count, fileLines.Count);
        Assert.Equal(fileLines.Order(StringComparer.Ordinal), fileLines);
        Assert.All(fileLines, l => Assert.Matches("^    \"[^\"]+\": \"[0-9a-f]{64}\",?$", l));
        Assert.Contains("    \"Foo/1.0.0\": \"sha512-AAAA\"", lines);
    }

    [Fact]
    public void A_missing_or_foreign_record_is_an_error_with_its_code()
    {
        using var repository = new SampleRepository();
        var isolationBaseline = Path.Combine(repository.PackagesFolder, "sandbox.baseline.json");
        File.WriteAllText(isolationBaseline, "{\"schema\":\"https://sandboxbuild.dev/schemas/baseline/v1\"}");

        var missing = Assert.Throws<SandboxException>(() => BuildLogicGate.Judge(repository.Root, repository.RecordFile, repository.Options));
        var foreign = Assert.Throws<SandboxException>(() => BuildLogicGate.Judge(repository.Root, isolationBaseline, repository.Options));

        Assert.Equal(Codes.BuildLogicRecordInvalid, missing.Code);
        Assert.Equal(Codes.BuildLogicRecordInvalid, foreign.Code);
    }

    [Fact]
    public void A_malformed_project_file_is_a_finding_not_a_silent_pass()
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.Write("src/App/App.csproj", "<Project><Import Project=\"x.txt\"></Project>");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 src/App/App.csproj", "SBX2409 src/App/App.csproj"], report.Failed());
    }
}
