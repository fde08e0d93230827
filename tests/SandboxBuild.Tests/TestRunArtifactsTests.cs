using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Tests;

public class TestRunArtifactsTests
{
    private const string Output = "/workspace/output";

    [Fact]
    public void A_test_run_publishes_its_reports_by_default()
    {
        var include = TestRunArtifacts.IncludeFor(["dotnet", "test", "--no-restore"], Output, []);

        Assert.Contains("TestResults/**", include);
        Assert.Contains("**/*.trx", include);
        Assert.Contains("**/*.cobertura.xml", include);
    }

    [Theory]
    [InlineData("dotnet", "build")]
    [InlineData("/bin/sh", "-c")]
    [InlineData("dotnet", "run")]
    public void Other_commands_publish_everything_unless_declared(string program, string verb)
    {
        Assert.Empty(TestRunArtifacts.IncludeFor([program, verb], Output, []));
    }

    [Fact]
    public void What_the_trusted_side_declared_wins()
    {
        Assert.Equal(["dist/**"], TestRunArtifacts.IncludeFor(["dotnet", "test"], Output, ["dist/**"]));
    }

    [Theory]
    [InlineData("--results-directory", "/workspace/output/custom/results", "custom/results/**")]
    [InlineData("--results-directory=/workspace/output/r", null, "r/**")]
    public void A_results_directory_inside_the_output_is_published_too(string option, string? value, string expected)
    {
        string[] command = value is null ? ["dotnet", "test", option] : ["dotnet", "test", option, value];

        Assert.Contains(expected, TestRunArtifacts.IncludeFor(command, Output, []));
    }

    [Theory]
    [InlineData("/tmp/elsewhere")]
    [InlineData("/workspace/output/../../etc")]
    [InlineData("/workspace/output/**")]
    public void A_results_directory_outside_the_output_adds_nothing(string directory)
    {
        Assert.Equal(TestRunArtifacts.ReportGlobs, TestRunArtifacts.IncludeFor(["dotnet", "test", "--results-directory", directory], Output, []));
    }

    [Fact]
    public void The_default_is_applied_to_the_trusted_floor()
    {
        var floor = SandboxPolicy.Default;

        Assert.Equal(TestRunArtifacts.ReportGlobs, TestRunArtifacts.ApplyTo(floor, ["dotnet", "test"]).Artifacts.Include);
        Assert.Empty(TestRunArtifacts.ApplyTo(floor, ["dotnet", "build"]).Artifacts.Include);
    }

    [Fact]
    public void The_collector_publishes_only_the_reports_of_a_test_run()
    {
        using var output = new TempFolder();
        using var publish = new TempFolder();
        string[] reports =
        [
            "TestResults/run.trx", "TestResults/0f1e/coverage.cobertura.xml", "TestResults/Tests.junit.xml", "TestResults/mtp/Tests_net10.0_x64.log",
            "coverage/coverage.opencover.xml", "results/TestResults.xml",
        ];
        string[] other = ["Tests.dll", "bin/Release/App.dll", "notes.txt", "secrets/config.yml"];
        foreach (var file in reports.Concat(other))
        {
            output.Write(file, "<content />");
        }

        var policy = new ArtifactPolicy { Include = TestRunArtifacts.IncludeFor(["dotnet", "test"], Output, []) };
        var result = new Collector(policy, [], new ConsoleLog(TextWriter.Null, TextWriter.Null)).Collect(output.Path, Path.Combine(publish.Path, "artifacts"));

        Assert.Equal(reports.Order(StringComparer.Ordinal), result.Published.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.Equal(other.Length, result.NotDeclared);
    }
}
