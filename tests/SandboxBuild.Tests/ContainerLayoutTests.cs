using Docker.DotNet.Models;
using SandboxBuild.Engine;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

/// <summary>The layout of a sandbox started elsewhere comes from docker inspect, not from SandboxBuild's conventions.</summary>
public class ContainerLayoutTests
{
    private static readonly HostContext Host = new() { HomeDirectories = ["/home/dev"], RepositoryRoot = "/work/project/src" };

    private static ContainerInspectResponse Inspect(params MountPoint[] mounts) => new()
    {
        ID = "0123456789abcdef",
        Mounts = mounts,
        HostConfig = new HostConfig { Tmpfs = new Dictionary<string, string> { ["/scratch"] = "size=64m", ["/tmp"] = "size=64m" }, IpcMode = "private" },
        Config = new() { User = "2000:2000" },
    };

    private static MountPoint Bind(string source, string target, bool rw) => new() { Type = "bind", Source = source, Destination = target, RW = rw };

    [Fact]
    public void The_patterns_layout_is_read_from_inspect()
    {
        var layout = ContainerLayout.From(new ContainerDescription(Inspect(Bind("/work/project/src", "/code", false), Bind("/work/project/generated", "/results", true))), Host, null);

        Assert.Equal("/results", layout.OutputPath);
        Assert.Equal("/code", layout.SourcePath);
        Assert.Null(layout.ProbeDirectory);
        Assert.Equal(["/tmp", "/scratch", "/dev/shm"], layout.Scratch);
        Assert.Contains("/tmp", layout.SkipWalk);
    }

    [Fact]
    public void Two_writable_mounts_leave_no_output_unless_one_is_named()
    {
        var inspect = Inspect(Bind("/work/a", "/a", true), Bind("/work/b", "/b", true));

        Assert.Empty(ContainerLayout.From(new ContainerDescription(inspect), Host, null).OutputTargets);
        Assert.Equal("/b", ContainerLayout.From(new ContainerDescription(inspect), Host, "/b").OutputPath);
        Assert.Empty(ContainerLayout.From(new ContainerDescription(inspect), Host, "/nope").OutputTargets);
    }

    [Theory]
    [InlineData("/home/dev")]
    [InlineData("/work/project/src")]
    public void A_writable_home_or_repository_is_never_the_output(string source)
    {
        Assert.Empty(ContainerLayout.From(new ContainerDescription(Inspect(Bind(source, "/out", true))), Host, null).OutputTargets);
    }

    [Fact]
    public void The_probe_volume_is_used_where_it_is_mounted()
    {
        var probe = new MountPoint { Type = "volume", Name = "sandboxbuild-probe-0123", Destination = "/opt/probe", RW = false };

        Assert.Equal("/opt/probe", ContainerLayout.From(new ContainerDescription(Inspect(probe)), Host, null).ProbeDirectory);
    }

    [Fact]
    public void Without_an_ipc_namespace_there_is_no_shm_to_place_the_probe_in()
    {
        var inspect = Inspect();
        inspect.HostConfig!.IpcMode = "none";
        inspect.HostConfig.Tmpfs = new Dictionary<string, string>();

        Assert.Empty(ContainerLayout.From(new ContainerDescription(inspect), Host, null).Scratch);
    }
}
