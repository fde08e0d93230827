using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

/// <summary>Users are judged by the numbers the engine will use, not by their spelling.</summary>
public class UserSpecTests
{
    private static readonly UserAccounts Accounts = UserAccounts.Parse(
        "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:1000::/:/bin/sh\nsandbox:x:1000:1000::/home/sandbox:/bin/bash\nops:x:1001:1001::/:/bin/sh\n",
        "root:x:0:ops\nsandbox:x:1000:\nops:x:1001:\n");

    [Theory]
    [InlineData("0")]
    [InlineData("00")]
    [InlineData("00:00")]
    [InlineData("+0")]
    [InlineData("-0")]
    [InlineData(" 0")]
    [InlineData("0:1000")]
    [InlineData("root")]
    [InlineData("")]
    public void Every_spelling_of_root_is_root(string user)
    {
        Assert.True(IsolationChecks.IsRoot(user));
        Assert.True(UserSpec.Parse(user).Resolve(Accounts).IsRoot);
    }

    [Fact]
    public void A_name_that_maps_to_uid_0_is_root_only_the_image_can_say_so()
    {
        var spec = UserSpec.Parse("toor");

        Assert.False(spec.Resolve(null).Known);
        Assert.True(spec.Resolve(Accounts).IsRoot);
    }

    [Theory]
    [InlineData("1000:0")]
    [InlineData("1000:root")]
    [InlineData("4242")]
    [InlineData("ops")]
    public void The_root_group_is_found_as_primary_or_supplementary_group(string user)
    {
        var resolved = UserSpec.Parse(user).Resolve(Accounts);

        Assert.True(resolved.Known);
        Assert.False(resolved.IsRoot);
        Assert.True(resolved.InRootGroup);
    }

    [Theory]
    [InlineData("1000:1000", 1000, 1000)]
    [InlineData("sandbox", 1000, 1000)]
    [InlineData("sandbox:ops", 1000, 1001)]
    [InlineData("2000:2000", 2000, 2000)]
    public void A_non_root_user_resolves_to_its_numbers(string user, long uid, long gid)
    {
        var resolved = UserSpec.Parse(user).Resolve(Accounts);

        Assert.Equal(uid, resolved.Uid);
        Assert.Equal(gid, resolved.Gid);
        Assert.False(resolved.InRootGroup);
    }

    [Theory]
    [InlineData("1000", "needs the image")]
    [InlineData("sandbox", "needs the image")]
    [InlineData("1:2:3", "more than one")]
    [InlineData("-5:1000", "out of range")]
    [InlineData("99999999999:1", "out of range")]
    public void Without_the_image_only_explicit_numbers_resolve_and_nonsense_never_does(string user, string why)
    {
        var resolved = UserSpec.Parse(user).Resolve(null);

        Assert.False(resolved.Known);
        Assert.Contains(why, resolved.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_the_image_does_not_have_is_unknown()
    {
        Assert.False(UserSpec.Parse("ghost:1000").Resolve(Accounts).Known);
        Assert.False(UserSpec.Parse("1000:ghosts").Resolve(Accounts).Known);
    }
}
