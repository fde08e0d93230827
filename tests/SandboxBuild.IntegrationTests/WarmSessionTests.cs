using System.Text.Json.Nodes;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// A warm sandbox is one trust domain, and says so: what an earlier command left running is ended before the
/// next one is proven, it cannot write into the next run's output, and a run's provenance names the session
/// and every command run in it before.
/// </summary>
public sealed class WarmSessionTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task A_writer_left_running_by_one_command_is_ended_before_the_next_and_provenance_names_the_session()
    {
        using var source = new TempFolder();
        var publish = Path.Combine(source.Path, "sandbox-output");
        const string Writer = "(while true; do date >> /workspace/output/background.txt; sleep 0.2; done) & echo first > /workspace/output/first.txt";
        try
        {
            var first = await Cli.RunAsync(["run", "--warm", "-C", source.Path, "--", "/bin/sh", "-c", Writer]);
            Assert.True(first.ExitCode == 0, first.All);

            var second = await Cli.RunAsync(["run", "--warm", "--verbose", "-C", source.Path, "--", "/bin/sh", "-c",
                "sleep 1; echo second > /workspace/output/second.txt; for p in /proc/[0-9]*; do cat $p/cmdline; echo; done > /workspace/output/processes.txt"]);

            Assert.True(second.ExitCode == 0, second.All);
            var published = Directory.GetFiles(Path.Combine(publish, "artifacts")).Select(f => Path.GetFileName(f)).Order().ToArray();
            Assert.Equal(["processes.txt", "second.txt"], published);
            Assert.DoesNotContain("while true", File.ReadAllText(Path.Combine(publish, "artifacts", "processes.txt")), StringComparison.Ordinal);
            Assert.Matches(@"pass\s+SBX2140\s+probe\s+processes", second.All);

            var session = JsonNode.Parse(File.ReadAllText(Path.Combine(publish, "provenance.intoto.json")))!
                ["predicate"]!["buildDefinition"]!["internalParameters"]!["session"]!;
            Assert.False(string.IsNullOrEmpty(session["id"]!.GetValue<string>()));
            var earlier = Assert.Single(session["earlierCommands"]!.AsArray());
            Assert.Equal(Writer, earlier!.AsArray().Last()!.GetValue<string>());
        }
        finally
        {
            await Cli.RunAsync(["stop", "--all", "-C", source.Path]);
        }

        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }
}
