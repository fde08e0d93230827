using SandboxBuild.Cli.GitHub;
using YamlDotNet.RepresentationModel;

namespace SandboxBuild.Tests;

/// <summary>action.yml and the entrypoint agree: every input is read, every output is written.</summary>
public class ActionContractTests
{
    private static YamlMappingNode ActionYml()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(CodesTests.RepositoryRoot(), "action.yml"))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string[] Keys(YamlMappingNode root, string section) =>
        ((YamlMappingNode)root.Children[new YamlScalarNode(section)]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order().ToArray();

    [Fact]
    public void Every_input_in_action_yml_is_read_by_the_entrypoint()
    {
        var declared = Keys(ActionYml(), "inputs");
        var inputs = new ActionInputs(_ => null);

        // Touch every property, as the entrypoint does.
        _ = (inputs.Command, inputs.WorkingDirectory, inputs.Policy, inputs.Baseline, inputs.FailOnDrift, inputs.Output, inputs.Image, inputs.Timeout, inputs.Sarif, inputs.BuildLogicBaseline);

        Assert.Equal(declared, inputs.Read.Order().ToArray());
        Assert.Equal(declared, ActionInputs.Names.Order().ToArray());
    }

    [Fact]
    public void Every_output_in_action_yml_is_written()
    {
        Assert.Equal(Keys(ActionYml(), "outputs"), ActionOutputs.Names.Order().ToArray());
    }

    [Fact]
    public void Inputs_use_the_runners_variable_names_and_defaults()
    {
        var environment = new Dictionary<string, string> { ["INPUT_WORKING-DIRECTORY"] = "src", ["INPUT_FAIL-ON-DRIFT"] = "false", ["INPUT_COMMAND"] = "  " };
        var inputs = new ActionInputs(name => environment.GetValueOrDefault(name));

        Assert.Equal("src", inputs.WorkingDirectory);
        Assert.False(inputs.FailOnDrift);
        Assert.Equal("dotnet test", inputs.Command);
        Assert.Null(inputs.Policy);
    }

    [Fact]
    public void The_action_is_a_docker_action_built_from_the_repository_dockerfile()
    {
        var runs = (YamlMappingNode)ActionYml().Children[new YamlScalarNode("runs")];

        Assert.Equal("docker", ((YamlScalarNode)runs.Children[new YamlScalarNode("using")]).Value);
        Assert.Equal("Dockerfile", ((YamlScalarNode)runs.Children[new YamlScalarNode("image")]).Value);
        Assert.True(File.Exists(Path.Combine(CodesTests.RepositoryRoot(), "Dockerfile")));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("0", false)]
    [InlineData("true", false)]
    [InlineData("1", true)]
    public void A_job_reuses_no_restore_an_earlier_job_made_unless_the_workflow_says_1(string? reuse, bool expected)
    {
        // A self-hosted runner keeps its state between jobs: another pull request's restore must not be reused by default.
        var environment = new Dictionary<string, string?> { ["GITHUB_WORKSPACE"] = "/github/workspace", ["SANDBOXBUILD_RESTORE_REUSE"] = reuse };

        var request = SandboxBuild.Cli.GitHub.ActionEntrypoint.Request(name => environment.GetValueOrDefault(name), containerized: true);

        Assert.Equal(expected, request.ReuseRestore);
        Assert.Equal("/github/workspace", request.SourceDirectory);
    }
}
