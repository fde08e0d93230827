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
    /// The bridge interface's own IPv4 address (docker0, or what the network's options name), read from this
    /// machine's interface table. A freshly started Docker 20.10 reports no IPAM gateway until its first
    /// restart, so the gateway is only a fallback. In a container (the action), our own address.
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

        var bridge = await EngineException.Wrap(() => engine.Client.Networks.InspectNetworkAsync("bridge", cancellationToken), "docker network inspect bridge")
            .ConfigureAwait(false);
        var name = bridge.Options?.TryGetValue("com.docker.network.bridge.name", out var configuredName) == true ? configuredName : "docker0";
        // By name, whatever its state: a bridge with no container attached is "down" but keeps its address.
        var address = FirstIPv4(NetworkInterface.GetAllNetworkInterfaces().Where(n => n.Name == name))
            ?? bridge.IPAM?.Config?.Select(c => c.Gateway).Where(g => !string.IsNullOrEmpty(g)).Select(IPAddress.Parse).FirstOrDefault();
        return address ?? throw new SandboxException(Codes.ListenerUnavailable,
            $"The engine's bridge interface '{name}' has no IPv4 address on this machine, and the network reports no gateway.");
    }

    private static IPAddress? FirstIPv4(IEnumerable<NetworkInterface> interfaces) => interfaces
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
}
