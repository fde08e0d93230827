using Docker.DotNet.Models;
using Version = System.Version;
using SandboxBuild.Engine;

namespace SandboxBuild.Tests;

public class RecursiveReadOnlyTests
{
    private static CreateContainerParameters Request() => new()
    {
        HostConfig = new HostConfig
        {
            Mounts =
            [
                SandboxSpec.Bind("/src", "/workspace/src", readOnly: true),
                SandboxSpec.Bind("/out", "/workspace/output", readOnly: false),
            ],
        },
    };

    [Fact]
    public void From_API_1_44_read_only_binds_are_forced_recursive_and_writable_ones_are_untouched()
    {
        var request = RecursiveReadOnly.Apply(Request(), new Version(1, 44));

        var mounts = request.HostConfig!.Mounts!;
        Assert.True(mounts[0].BindOptions!.ReadOnlyForceRecursive);
        Assert.False(mounts[0].BindOptions!.ReadOnlyNonRecursive);
        Assert.Null(mounts[1].BindOptions!.ReadOnlyForceRecursive);
    }

    [Fact]
    public void Below_API_1_44_the_field_is_not_sent_because_newer_engines_refuse_it_there()
    {
        var request = RecursiveReadOnly.Apply(Request(), new Version(1, 41));

        Assert.All(request.HostConfig!.Mounts!, m => Assert.Null(m.BindOptions!.ReadOnlyForceRecursive));
    }
}
