using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using SandboxBuild.Engine;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>Addresses and snapshots the egress tests share.</summary>
internal static class HostSide
{
    /// <summary>The host side of the engine's bridge: its IPAM gateway, or (a fresh engine records none) its interface's address.</summary>
    public static async Task<IPAddress> BridgeAddressAsync(EngineConnection engine)
    {
        var bridge = await engine.Client.Networks.InspectNetworkAsync("bridge");
        if (bridge.IPAM?.Config?.FirstOrDefault(c => !string.IsNullOrEmpty(c.Gateway)) is { } config)
        {
            return IPAddress.Parse(config.Gateway);
        }

        var name = bridge.Options["com.docker.network.bridge.name"];
        return NetworkInterface.GetAllNetworkInterfaces().Single(n => n.Name == name)
            .GetIPProperties().UnicastAddresses.Select(a => a.Address).First(a => a.AddressFamily == AddressFamily.InterNetwork);
    }

    /// <summary>Every file and folder of a tree with its content hash: equal snapshots mean nothing was written.</summary>
    public static Dictionary<string, string> Snapshot(string folder) =>
        Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetRelativePath(folder, p), p => File.Exists(p) ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))) : "dir");

    /// <summary>The package folder of the one restore kept under a state folder (where a hostile restore left its evidence).</summary>
    public static string RestoredPackages(string stateFolder) =>
        Path.Combine(Directory.GetDirectories(Directory.GetDirectories(stateFolder).Select(d => Path.Combine(d, "restore")).Single(Directory.Exists)).Single(), "packages");
}
