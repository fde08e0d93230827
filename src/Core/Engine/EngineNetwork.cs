using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// Where the host side of the engine's default bridge is: the address a container on that bridge would reach
/// this machine at. The probe's listeners go there, and nothing else is ever contacted.
/// </summary>
public static class EngineNetwork
{
    /// <summary>
    /// The bridge interface's own IPv4 address, read from this machine's interface table (see
    /// <see cref="BridgeAddress"/>); in a container (the action), our own address.
    /// </summary>
    public static async Task<IPAddress> HostSideAddressAsync(EngineConnection engine, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable("SANDBOXBUILD_LISTEN_ADDRESS") is { Length: > 0 } configured)
        {
            return IPAddress.Parse(configured);
        }

        if (File.Exists("/.dockerenv"))
        {
            // In a container (the action), sibling containers on a bridge reach us at our own address.
            return FirstIPv4(NetworkInterface.GetAllNetworkInterfaces()
                    .Where(n => n.NetworkInterfaceType != NetworkInterfaceType.Loopback && n.OperationalStatus == OperationalStatus.Up))
                ?? throw new SandboxException(Codes.ListenerUnavailable, "This container has no IPv4 address to listen on.");
        }

        return await BridgeAddress.ResolveAsync(engine, cancellationToken);
    }

    private static IPAddress? FirstIPv4(IEnumerable<NetworkInterface> interfaces) => interfaces
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
}
