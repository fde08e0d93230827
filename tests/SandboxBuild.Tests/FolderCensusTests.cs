using SandboxBuild.Artifacts;

namespace SandboxBuild.Tests;

public class FolderCensusTests
{
    [Fact]
    public void Under_the_limit_nothing_is_refused()
    {
        Assert.Empty(FolderCensus.OverLimit(new Dictionary<string, int> { [""] = 10, ["TestResults"] = 10 }, 100));
    }

    [Fact]
    public void A_flood_costs_its_own_folder_not_its_neighbours_or_parents()
    {
        var counts = new Dictionary<string, int> { [""] = 100_012, ["a"] = 100_005, ["a/flood"] = 100_000, ["a/keep"] = 5, ["TestResults"] = 7 };

        var refused = FolderCensus.OverLimit(counts, 20_000);

        Assert.Equal(["a/flood"], refused.Keys);
    }

    [Fact]
    public void Several_floods_are_refused_until_the_rest_fits()
    {
        var counts = new Dictionary<string, int> { [""] = 30_010, ["x"] = 15_000, ["y"] = 15_000, ["ok"] = 10 };

        var refused = FolderCensus.OverLimit(counts, 100);

        Assert.Equal(["x", "y"], refused.Keys.Order());
    }
}
