using System.Net;
using System.Net.Sockets;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>A TCP listener and a UDP (DNS-like) responder that only count what reaches them: a refused host's stand-in.</summary>
internal sealed class CountingListeners : IDisposable
{
    private readonly TcpListener _tcp;
    private readonly UdpClient _udp;
    private readonly CancellationTokenSource _stop = new();
    private int _tcpConnections;
    private int _datagrams;

    public CountingListeners(IPAddress address)
    {
        _tcp = new TcpListener(address, 0);
        _tcp.Start();
        _udp = new UdpClient(new IPEndPoint(address, 0));
        _ = AcceptAsync();
        _ = ReceiveAsync();
    }

    public int TcpPort => ((IPEndPoint)_tcp.LocalEndpoint).Port;

    public int UdpPort => ((IPEndPoint)_udp.Client.LocalEndPoint!).Port;

    public IPAddress Address => ((IPEndPoint)_tcp.LocalEndpoint).Address;

    public int TcpConnections => Volatile.Read(ref _tcpConnections);

    public int Datagrams => Volatile.Read(ref _datagrams);

    public void Dispose()
    {
        _stop.Cancel();
        _tcp.Stop();
        _udp.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var client = await _tcp.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _tcpConnections);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ReceiveAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var datagram = await _udp.ReceiveAsync(_stop.Token);
                Interlocked.Increment(ref _datagrams);
                await _udp.SendAsync(datagram.Buffer, datagram.RemoteEndPoint, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }
}
