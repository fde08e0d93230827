using SandboxBuild.Runs;

namespace SandboxBuild.Tests;

public class CommandPlanTests
{
    [Fact]
    public void The_default_is_dotnet_test_without_restore_with_trx_results_in_the_output()
    {
        var plan = CommandPlan.For([], "/workspace/output");

        Assert.Equal(["dotnet", "test", "--no-restore", "--logger", "trx", "--results-directory", "/workspace/output/TestResults"], plan.Command);
        Assert.True(plan.RestoreOnHost);
        Assert.Null(plan.RestoreTarget);
    }

    [Fact]
    public void The_project_and_restore_relevant_arguments_are_found()
    {
        var plan = CommandPlan.For(["dotnet", "test", "-c", "Release", "App.sln", "-r", "linux-x64", "-p:Foo=1", "--filter", "Category=Unit"], "/out");

        Assert.Equal("App.sln", plan.RestoreTarget);
        Assert.Equal(["-r", "linux-x64", "-p:Foo=1"], plan.RestoreArguments);
    }

    [Fact]
    public void User_choices_are_kept()
    {
        var plan = CommandPlan.For(["dotnet", "test", "--no-restore", "--logger", "trx;LogFileName=x.trx", "--results-directory", "/tmp/r"], "/out");

        Assert.False(plan.RestoreOnHost);
        Assert.Single(plan.Command, a => a == "--no-restore");
        Assert.Single(plan.Command, a => a == "--results-directory");
        Assert.Single(plan.Command, a => a == "--logger");
    }

    [Fact]
    public void Other_commands_run_as_given()
    {
        var plan = CommandPlan.For(["bash", "-c", "echo hi"], "/out");

        Assert.Equal(["bash", "-c", "echo hi"], plan.Command);
        Assert.False(plan.RestoreOnHost);
    }
}
