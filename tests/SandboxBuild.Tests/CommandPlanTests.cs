using SandboxBuild.Runs;

namespace SandboxBuild.Tests;

public class CommandPlanTests
{
    [Fact]
    public void The_default_is_dotnet_test_without_restore_with_trx_results_in_the_output()
    {
        var plan = CommandPlan.For([], "/workspace/output", TestRunner.VSTest);

        Assert.Equal(["dotnet", "test", "--no-restore", "--logger", "trx", "--results-directory", "/workspace/output/TestResults"], plan.Command);
        Assert.True(plan.NeedsRestore);
        Assert.Null(plan.RestoreTarget);
    }

    [Fact]
    public void The_project_and_restore_relevant_arguments_are_found()
    {
        var plan = CommandPlan.For(["dotnet", "test", "-c", "Release", "App.sln", "-r", "linux-x64", "-p:Foo=1", "--filter", "Category=Unit"], "/out", TestRunner.VSTest);

        Assert.Equal("App.sln", plan.RestoreTarget);
        Assert.Equal(["-r", "linux-x64", "-p:Foo=1"], plan.RestoreArguments);
    }

    [Fact]
    public void User_choices_are_kept()
    {
        var plan = CommandPlan.For(["dotnet", "test", "--no-restore", "--logger", "trx;LogFileName=x.trx", "--results-directory", "/tmp/r"], "/out", TestRunner.VSTest);

        Assert.False(plan.NeedsRestore);
        Assert.Single(plan.Command, a => a == "--no-restore");
        Assert.Single(plan.Command, a => a == "--results-directory");
        Assert.Single(plan.Command, a => a == "--logger");
    }

    [Fact]
    public void Other_commands_run_as_given()
    {
        var plan = CommandPlan.For(["bash", "-c", "echo hi"], "/out", TestRunner.MicrosoftTestingPlatform);

        Assert.Equal(["bash", "-c", "echo hi"], plan.Command);
        Assert.False(plan.NeedsRestore);
    }

    [Fact]
    public void Microsoft_testing_platform_mode_gets_a_results_directory_and_never_a_logger()
    {
        var plan = CommandPlan.For(["dotnet", "test", "--project", "App.Tests", "--report-trx"], "/workspace/output", TestRunner.MicrosoftTestingPlatform);

        Assert.Equal(["dotnet", "test", "--project", "App.Tests", "--report-trx", "--no-restore", "--results-directory", "/workspace/output/TestResults"], plan.Command);
        Assert.DoesNotContain("--logger", plan.Command);
        Assert.Equal("App.Tests", plan.RestoreTarget);
    }

    [Fact]
    public void The_runner_is_read_from_the_nearest_global_json_inside_the_source_as_the_sdk_does()
    {
        using var folder = new TempFolder();
        var source = folder.Path;
        Directory.CreateDirectory(Path.Combine(source, "tests", "App.Tests"));
        Directory.CreateDirectory(Path.Combine(source, "legacy"));
        File.WriteAllText(Path.Combine(source, "global.json"), "{\n  // comments are allowed\n  \"test\": { \"runner\": \"microsoft.testing.platform\" },\n}");
        File.WriteAllText(Path.Combine(source, "legacy", "global.json"), "{ \"sdk\": { \"version\": \"10.0.100\" } }");

        Assert.Equal(TestRunner.MicrosoftTestingPlatform, TestRunnerMode.Detect(source, "tests/App.Tests"));
        Assert.Equal(TestRunner.VSTest, TestRunnerMode.Detect(source, "legacy"));
    }

    [Fact]
    public void An_unreadable_global_json_or_one_above_the_source_means_vstest()
    {
        using var folder = new TempFolder();
        var source = Path.Combine(folder.Path, "repo");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(folder.Path, "global.json"), "{ \"test\": { \"runner\": \"Microsoft.Testing.Platform\" } }");

        Assert.Equal(TestRunner.VSTest, TestRunnerMode.Detect(source, "."));
        File.WriteAllText(Path.Combine(source, "global.json"), "{ not json");
        Assert.Equal(TestRunner.VSTest, TestRunnerMode.Detect(source, "."));
    }

    [Theory]
    [InlineData("a link to /dev/zero")]
    [InlineData("a fifo")]
    public async Task A_global_json_that_would_hang_or_exhaust_the_reader_means_vstest_at_once(string kind)
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "global.json");
        if (kind == "a fifo")
        {
            using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [file]);
            await mkfifo.WaitForExitAsync();
        }
        else
        {
            File.CreateSymbolicLink(file, "/dev/zero");
        }

        // A reader that opened either would block (no writer) or read forever; this must answer, and say VSTest.
        var detect = Task.Run(() => TestRunnerMode.Detect(folder.Path, "."));
        Assert.Same(detect, await Task.WhenAny(detect, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.Equal(TestRunner.VSTest, await detect);
    }
}
