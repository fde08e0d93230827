using SandboxBuild.Engine;
using System.Diagnostics;
using SandboxBuild.Restore;

namespace SandboxBuild.Tests;

public class RestoreInputsTests
{
    private static RestorePlan Plan(string source) => new() { SourceDirectory = source, StateFolder = "/unused" };

    private static string Hash(string source, RestorePlan? plan = null) => RestoreInputs.Hash(source, plan ?? Plan(source), "image@sha256:1", "1000:1000");

    private static TempFolder Repository()
    {
        var folder = new TempFolder();
        folder.Write("App.sln", "sln");
        folder.Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        folder.Write("src/App/Program.cs", "class P {}");
        folder.Write("Directory.Build.props", "<Project />");
        folder.Write("NuGet.config", "<configuration />");
        folder.Write("global.json", "{}");
        return folder;
    }

    [Theory]
    [InlineData("src/App/App.csproj")]
    [InlineData("Directory.Build.props")]
    [InlineData("build/Custom.targets")]
    [InlineData("src/App/NUGET.CONFIG")]
    [InlineData("src/App/packages.lock.json")]
    [InlineData("global.json")]
    [InlineData(".config/dotnet-tools.json")]
    [InlineData("Directory.Packages.props")]
    [InlineData("App.slnx")]
    [InlineData("src/App/App.csproj.user")]
    [InlineData("build/Custom.tasks")]
    [InlineData(".git/hooks/Imported.props")]
    [InlineData("node_modules/x/Imported.targets")]
    public void Changing_a_restore_input_changes_the_hash(string file)
    {
        using var repository = Repository();
        var before = Hash(repository.Path);

        repository.Write(file, "changed " + Guid.NewGuid());

        Assert.NotEqual(before, Hash(repository.Path));
    }

    [Theory]
    [InlineData("src/App/Program.cs")]
    [InlineData("src/App/obj/project.assets.json")]
    [InlineData("src/App/bin/Debug/x.props")]
    [InlineData(".git/config")]
    [InlineData("README.md")]
    public void Source_files_and_build_outputs_do_not_change_it(string file)
    {
        using var repository = Repository();
        var before = Hash(repository.Path);

        repository.Write(file, "changed " + Guid.NewGuid());

        Assert.Equal(before, Hash(repository.Path));
    }

    [Fact]
    public void The_trusted_choices_are_part_of_it()
    {
        using var repository = Repository();
        using var feed = new TempFolder();
        var plan = Plan(repository.Path);
        var baseline = Hash(repository.Path, plan);

        Assert.NotEqual(baseline, Hash(repository.Path, plan with { Arguments = ["-r", "linux-x64"] }));
        Assert.NotEqual(baseline, Hash(repository.Path, plan with { Target = "App.sln" }));
        Assert.NotEqual(baseline, Hash(repository.Path, plan with { Feeds = [TrustedFeeds.Parse("https://pkgs.example/index.json", 0, "/")] }));
        Assert.NotEqual(baseline, RestoreInputs.Hash(repository.Path, plan, "image@sha256:2", "1000:1000"));
        var withFeed = plan with { Feeds = [TrustedFeeds.Parse(feed.Path, 0, "/")] };
        var emptyFeed = Hash(repository.Path, withFeed);
        feed.Write("app.1.0.0.nupkg", "package");
        Assert.NotEqual(emptyFeed, Hash(repository.Path, withFeed));
    }

    [Fact]
    public void A_credential_changes_it_by_host_never_by_its_secret()
    {
        using var repository = Repository();
        var plan = Plan(repository.Path);

        var one = Hash(repository.Path, plan with { Credentials = [new FeedCredential("pkgs.example", "u", "secret-one")] });
        var two = Hash(repository.Path, plan with { Credentials = [new FeedCredential("pkgs.example", "u", "secret-two")] });

        Assert.Equal(one, two);
        Assert.NotEqual(Hash(repository.Path, plan), one);
    }

    [Fact]
    public void A_symlinked_input_inside_the_source_is_hashed_by_what_it_points_at()
    {
        using var repository = Repository();
        var target = repository.Write("tools/real-props.txt", "one");
        File.CreateSymbolicLink(Path.Combine(repository.Path, "Linked.props"), "tools/real-props.txt");
        var before = Hash(repository.Path);

        Assert.Equal(before, Hash(repository.Path));
        File.WriteAllText(target, "two"); // not an input by its own name; the sandbox reads it through the link

        Assert.NotEqual(before, Hash(repository.Path));
    }

    [Fact]
    public void A_symlinked_input_pointing_elsewhere_is_never_the_same_twice()
    {
        using var repository = Repository();
        using var outside = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(repository.Path, "Linked.props"), outside.Write("secret.props", "one"));

        Assert.NotEqual(Hash(repository.Path), Hash(repository.Path));
    }

    [Fact]
    public async Task A_fifo_named_like_an_input_does_not_hang_the_hash()
    {
        using var repository = Repository();
        using (var mkfifo = Process.Start("mkfifo", [Path.Combine(repository.Path, "Blocking.props")]))
        {
            await mkfifo.WaitForExitAsync();
        }

        var hashing = Task.Run(() => Hash(repository.Path));

        Assert.NotEmpty(await hashing.WaitAsync(TimeSpan.FromMinutes(1)));
    }
}
