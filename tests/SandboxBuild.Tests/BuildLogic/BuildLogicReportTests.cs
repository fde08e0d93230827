using System.Diagnostics;
using System.Text.Json.Nodes;
using SandboxBuild.Reporting;
using SandboxBuild.Validation.BuildLogic;

namespace SandboxBuild.Tests.BuildLogic;

/// <summary>What the gate hands over: one SARIF result per changed file; a record without generated files; its speed.</summary>
public sealed class BuildLogicReportTests
{
    [Fact]
    public void Sarif_has_one_result_per_changed_file_pointing_at_it()
    {
        using var repository = new SampleRepository();
        repository.Record();
        File.AppendAllText(Path.Combine(repository.Root, "Directory.Build.props"), "\n");
        repository.Write("build/new.targets", "<Project />");
        repository.Delete("Directory.Build.rsp");

        var report = repository.Judge();
        var sarif = JsonNode.Parse(SarifReport.Write(report, null, repository.Root, repository.RecordFile))!;

        var results = sarif["runs"]![0]!["results"]!.AsArray()
            .Select(r => $"{r!["ruleId"]} {r["locations"]![0]!["physicalLocation"]!["artifactLocation"]!["uri"]}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(["SBX2401 Directory.Build.props", "SBX2402 build/new.targets", "SBX2403 Directory.Build.rsp"], results);
    }

    [Fact]
    public void Recording_leaves_out_what_git_ignores_and_does_not_track_and_judging_does_not()
    {
        using var repository = new SampleRepository();
        Git(repository.Root, "init", "-q");
        repository.Write(".gitignore", "obj/\n*.user\n");
        repository.Write("src/App/obj/App.csproj.nuget.g.props", "<Project />");
        var exclude = GitIgnoredFiles.Find(repository.Root, out _);

        BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options with { Exclude = exclude });
        var withGenerated = repository.Judge();
        Directory.Delete(Path.Combine(repository.Root, "src/App/obj"), recursive: true);
        repository.Delete("src/App/App.csproj.user");
        var cleanCheckout = repository.Judge();

        Assert.NotNull(exclude);
        Assert.Equal(["SBX2402 src/App/App.csproj.user", "SBX2402 src/App/obj/App.csproj.nuget.g.props"], withGenerated.Failed());
        Assert.True(cleanCheckout.Passed, string.Join("\n", cleanCheckout.Failed()));
    }

    [Fact]
    public void Without_git_everything_found_is_recorded_and_the_reason_is_given()
    {
        using var folder = new TempFolder();

        var exclude = GitIgnoredFiles.Find(folder.Path, out var explanation);

        Assert.Null(exclude);
        Assert.Contains("every file found was recorded", explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Judging_three_thousand_files_takes_well_under_a_second()
    {
        using var repository = new SampleRepository();
        for (var i = 0; i < 3000; i++)
        {
            repository.Write($"src/Module{i % 60}/File{i}.cs", "class C {}");
        }

        for (var i = 0; i < 60; i++)
        {
            repository.Write($"src/Module{i}/Module{i}.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><Import Project=\"../../Directory.Build.targets\" /></Project>");
            repository.Write($"src/Module{i}/packages.lock.json", SampleRepository.Lock("1.0.0", "AAAA"));
        }

        repository.Record();
        repository.Judge();

        var clock = Stopwatch.StartNew();
        var report = repository.Judge();
        clock.Stop();

        Assert.True(report.Passed);
        // The bound is loose because the test machine is shared; the README reports measured times.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    private static void Git(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
