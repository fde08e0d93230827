using System.Net;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Tests;

/// <summary>The probe's listener address comes from the host's interface the bridge names, never from IPAM.</summary>
public class BridgeAddressTests
{
    private static readonly (string, IPAddress)[] Host =
    [
        ("lo", IPAddress.Loopback),
        ("eth0", IPAddress.Parse("10.1.2.3")),
        ("docker0", IPAddress.Parse("fe80::42:1")),
        ("docker0", IPAddress.Parse("172.17.0.1")),
        ("br-private", IPAddress.Parse("fd00::1")),
    ];

    [Fact]
    public void The_IPv4_address_of_the_named_bridge_interface_is_chosen()
    {
        var address = BridgeAddress.Choose("docker0", Host);

        Assert.Equal(IPAddress.Parse("172.17.0.1"), address);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sbx-missing0")]
    [InlineData("br-private")]
    public void No_bridge_name_no_such_interface_or_no_IPv4_address_fails_with_a_code(string? name)
    {
        var error = Assert.Throws<SandboxException>(() => BridgeAddress.Choose(name, Host));

        Assert.Equal(Codes.BridgeAddressUnknown, error.Code);
    }
}
