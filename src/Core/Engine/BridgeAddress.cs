using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// The host's own address on the engine's default bridge: the one address of this machine that a bridged
/// container could reach, and so where the network probe's listeners go. It is read from the host's interface
/// table (the interface the bridge network names), never from the network's IPAM config: a freshly started
/// Docker 20.10 engine leaves IPAM's Gateway empty until it has been running a while.
/// </summary>
public static class BridgeAddress
{
    /// <summary>The network option that names the bridge's host interface (docker0 unless configured).</summary>
    public const string InterfaceOption = "com.docker.network.bridge.name";

    public static async Task<IPAddress> ResolveAsync(EngineConnection engine, CancellationToken cancellationToken)
    {
        IDictionary<string, string>? options;
        try
        {
            options = (await engine.Client.Networks.InspectNetworkAsync("bridge", cancellationToken)).Options;
        }
        catch (Docker.DotNet.DockerApiException e)
        {
            throw new SandboxException(Codes.BridgeAddressUnknown,
                $"The engine's default bridge network cannot be inspected ({e.StatusCode}); an engine started with `--bridge=none` has none.");
        }

        var name = options is not null && options.TryGetValue(InterfaceOption, out var configured) ? configured : null;
        return Choose(name, HostInterfaces());
    }

    /// <summary>The first IPv4 address of the interface the bridge names; fails with a code when there is none.</summary>
    public static IPAddress Choose(string? interfaceName, IEnumerable<(string Interface, IPAddress Address)> hostAddresses)
    {
        if (string.IsNullOrEmpty(interfaceName))
        {
            throw new SandboxException(Codes.BridgeAddressUnknown,
                $"The engine's bridge network has no '{InterfaceOption}' option, so its host interface is unknown.");
        }

        var addresses = hostAddresses.Where(a => a.Interface == interfaceName).Select(a => a.Address).ToList();
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
            ?? throw new SandboxException(Codes.BridgeAddressUnknown, addresses.Count == 0
                ? $"The engine's bridge interface '{interfaceName}' is not on this machine (is the engine remote, or is this process in another network namespace?)."
                : $"The engine's bridge interface '{interfaceName}' has no IPv4 address (it has {string.Join(", ", addresses)}).");
    }

    /// <summary>Every unicast address of every interface of this machine, up or down (docker0 is down while no container runs).</summary>
    public static IEnumerable<(string Interface, IPAddress Address)> HostInterfaces() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => (n.Name, a.Address)));
}
