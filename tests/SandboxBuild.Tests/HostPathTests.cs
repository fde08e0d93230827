using SandboxBuild.Policy;

namespace SandboxBuild.Tests;

/// <summary>Mount sources are judged where their links lead, as the kernel follows them.</summary>
public class HostPathTests
{
    [Fact]
    public void Links_are_followed_component_by_component()
    {
        using var folder = new TempFolder();
        var outside = Directory.CreateDirectory(Path.Combine(folder.Path, "outside", "secrets")).FullName;
        var repo = Directory.CreateDirectory(Path.Combine(folder.Path, "repo")).FullName;
        File.CreateSymbolicLink(Path.Combine(repo, "fixtures"), outside);
        File.CreateSymbolicLink(Path.Combine(repo, "relative"), "../outside");
        File.CreateSymbolicLink(Path.Combine(repo, "chain"), "relative/secrets");

        Assert.Equal(outside, HostPath.Resolve("fixtures", repo));
        Assert.Equal(outside, HostPath.Resolve("./relative/secrets", repo));
        Assert.Equal(outside, HostPath.Resolve(Path.Combine(repo, "chain"), "/"));
        // `..` after a link climbs from where the link leads, not lexically.
        Assert.Equal(Path.Combine(folder.Path, "outside"), HostPath.Resolve("fixtures/..", repo));
        Assert.Equal(Path.Combine(outside, "not", "there"), HostPath.Resolve("fixtures/not/there", repo));
    }

    [Fact]
    public void A_link_loop_is_an_error_not_a_hang()
    {
        using var folder = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(folder.Path, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(folder.Path, "b"), "a");

        Assert.Throws<IOException>(() => HostPath.Resolve("a/x", folder.Path));
    }

    [Fact]
    public void Home_is_expanded_and_within_means_the_folder_or_below()
    {
        Assert.Equal(HostPath.Home + "/.nuget", HostPath.Lexical("~/.nuget", "/src"));
        Assert.True(HostPath.IsWithin("/repo/docs", "/repo"));
        Assert.True(HostPath.IsWithin("/repo", "/repo/"));
        Assert.False(HostPath.IsWithin("/repository", "/repo"));
    }
}
