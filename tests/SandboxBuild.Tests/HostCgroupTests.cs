using SandboxBuild.Engine;

namespace SandboxBuild.Tests;

public class HostCgroupTests
{
    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef")] // upper case: not how the engine writes ids
    [InlineData("0123456789abcdef")] // a short id
    [InlineData("")]
    public void Only_a_full_container_id_reaches_a_cgroup_path(string id) => Assert.Null(HostCgroup.PeakMemoryBytes(id));

    [Fact]
    public void A_container_this_host_does_not_run_has_no_peak_to_read() =>
        Assert.Null(HostCgroup.PeakMemoryBytes(new string('f', 64)));
}
