using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SandboxBuild.Probing;

/// <summary>
/// Network facts: interfaces, routes, IPv6 addresses, and two live attempts against listeners the validator
/// opened on the host side. It never sends to any other address: "no network" is shown by the kernel
/// answering "network unreachable" at once, not by the internet failing to answer.
/// </summary>
internal static class NetworkProbe
{
    public static void Run(ProbeRequest request, ProbeReport report)
    {
        report.Interfaces = Directory.Exists("/sys/class/net")
            ? Directory.GetFileSystemEntries("/sys/class/net").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];
        report.Routes = ReadTable("/proc/net/route", skipHeader: true);
        report.Ipv6Addresses = ReadTable("/proc/net/if_inet6", skipHeader: false)
            .Where(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() != "lo")
            .ToList();

        if (request.TcpTarget is { } tcp)
        {
            report.Tcp = ConnectTcp(tcp, request.ConnectTimeoutMs);
        }

        if (request.UdpTarget is { } udp)
        {
            report.Udp = QueryDns(udp, request.ConnectTimeoutMs);
        }
    }

    public static ConnectResult ConnectTcp(string target, int timeoutMs)
    {
        var clock = Stopwatch.StartNew();
        var result = new ConnectResult { Target = target };
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(timeoutMs);
            socket.ConnectAsync(IPEndPoint.Parse(target), timeout.Token).AsTask().GetAwaiter().GetResult();
            result.Outcome = "connected";
            result.Detail = $"connected from {socket.LocalEndPoint}";
        }
        catch (OperationCanceledException)
        {
            result.Outcome = "timeout";
            result.Detail = $"no answer within {timeoutMs} ms";
        }
        catch (SocketException e)
        {
            (result.Outcome, result.Detail) = Classify(e);
        }

        result.ElapsedMs = clock.ElapsedMilliseconds;
        return result;
    }

    /// <summary>A DNS query for a name under .invalid, sent straight to the validator's responder.</summary>
    public static ConnectResult QueryDns(string target, int timeoutMs)
    {
        var clock = Stopwatch.StartNew();
        var result = new ConnectResult { Target = target };
        try
        {
            using var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
            socket.SendTo(DnsQuery, IPEndPoint.Parse(target));
            var buffer = new byte[512];
            using var timeout = new CancellationTokenSource(timeoutMs);
            var received = socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token).AsTask().GetAwaiter().GetResult();
            result.Outcome = "answered";
            result.Detail = $"{received} bytes answered";
        }
        catch (OperationCanceledException)
        {
            result.Outcome = "timeout";
            result.Detail = $"sent, no answer within {timeoutMs} ms";
        }
        catch (SocketException e)
        {
            (result.Outcome, result.Detail) = Classify(e);
        }

        result.ElapsedMs = clock.ElapsedMilliseconds;
        return result;
    }

    private static (string Outcome, string Detail) Classify(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.NetworkUnreachable => ("unreachable", $"ENETUNREACH: {e.Message}"),
        SocketError.ConnectionRefused => ("refused", $"ECONNREFUSED: {e.Message}"),
        SocketError.TimedOut => ("timeout", e.Message),
        _ => ("error", $"{e.SocketErrorCode}: {e.Message}"),
    };

    private static List<string> ReadTable(string path, bool skipHeader) =>
        File.Exists(path) ? File.ReadLines(path).Skip(skipHeader ? 1 : 0).Where(l => l.Trim().Length > 0).ToList() : [];

    // id 0x5342, recursion desired, one question: sandboxbuild-probe.invalid IN A.
    private static readonly byte[] DnsQuery =
    [
        0x53, 0x42, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        18, (byte)'s', (byte)'a', (byte)'n', (byte)'d', (byte)'b', (byte)'o', (byte)'x', (byte)'b', (byte)'u', (byte)'i', (byte)'l', (byte)'d',
        (byte)'-', (byte)'p', (byte)'r', (byte)'o', (byte)'b', (byte)'e',
        7, (byte)'i', (byte)'n', (byte)'v', (byte)'a', (byte)'l', (byte)'i', (byte)'d', 0,
        0x00, 0x01, 0x00, 0x01,
    ];
}
