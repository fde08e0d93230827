using System.Net;
using System.Net.Sockets;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation;

/// <summary>
/// A TCP listener and a fake DNS responder on the host side of the engine's bridge (the bridge interface's own address), or
/// on our own address when this process runs in a container. The probe aims at these and nothing else: a
/// sandbox that reaches them is routed; one that gets "network unreachable" is isolated.
/// </summary>
public sealed class HostListeners : IAsyncDisposable
{
    private readonly TcpListener _tcp;
    private readonly UdpClient _udp;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private int _tcpConnections;
    private int _dnsQueries;

    private HostListeners(TcpListener tcp, UdpClient udp)
    {
        _tcp = tcp;
        _udp = udp;
        _serving = Task.WhenAll(AcceptAsync(), AnswerAsync());
    }

    public IPEndPoint TcpEndpoint => (IPEndPoint)_tcp.LocalEndpoint;

    public IPEndPoint UdpEndpoint => (IPEndPoint)_udp.Client.LocalEndPoint!;

    public int TcpConnections => Volatile.Read(ref _tcpConnections);

    public int DnsQueries => Volatile.Read(ref _dnsQueries);

    /// <param name="address">Where to listen; by default the engine bridge's host address (or our own address in a container).</param>
    public static async Task<HostListeners> OpenAsync(EngineConnection engine, IPAddress? address, CancellationToken cancellationToken)
    {
        address ??= await EngineNetwork.HostSideAddressAsync(engine, cancellationToken);
        try
        {
            var tcp = new TcpListener(address, 0);
            tcp.Start();
            var udp = new UdpClient(new IPEndPoint(address, 0));
            return new HostListeners(tcp, udp);
        }
        catch (SocketException e)
        {
            throw new SandboxException(Codes.ListenerUnavailable, $"Cannot listen on {address}: {e.Message}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _tcp.Stop();
        _udp.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var client = await _tcp.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _tcpConnections);
        }
    }

    private async Task AnswerAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var query = await _udp.ReceiveAsync(_stop.Token);
            Interlocked.Increment(ref _dnsQueries);
            if (query.Buffer.Length >= 12)
            {
                // The same message back as a response with NXDOMAIN: enough for the prober to see an answer.
                var answer = query.Buffer.ToArray();
                answer[2] |= 0x80;
                answer[3] = (byte)((answer[3] & 0xF0) | 0x03);
                await _udp.SendAsync(answer, query.RemoteEndPoint, _stop.Token);
            }
        }
    }
}
