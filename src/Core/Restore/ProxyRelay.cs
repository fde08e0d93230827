using SandboxBuild.Engine;
using System.Net;
using System.Net.Sockets;
using SandboxBuild.Diagnostics;
using SandboxBuild.Host;

namespace SandboxBuild.Restore;

/// <summary>
/// Exposes the proxy's loopback port as a unix socket in a folder mounted read-only into the restore
/// sandbox: the sandbox has no network, so this socket is its only way out, and all it reaches is Squid.
/// The socket belongs to the sandbox's user with mode 0600; every connection is piped to the proxy as is.
/// </summary>
internal sealed class ProxyRelay : IAsyncDisposable
{
    public const string SocketName = "proxy.sock";
    private const int MaxConnections = 256;

    private readonly Socket _listener;
    private readonly int _proxyPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections);
    private readonly Task _accepting;
    private int _connections;

    private ProxyRelay(Socket listener, string socketPath, int proxyPort)
    {
        _listener = listener;
        SocketPath = socketPath;
        _proxyPort = proxyPort;
        _accepting = AcceptAsync();
    }

    public string SocketPath { get; }

    /// <summary>Connections relayed so far (the gate's own socket check is one).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <param name="folder">A fresh folder of this restore; the socket is created in it.</param>
    /// <param name="owner">The sandbox's uid and gid: as root the socket is given to them; else it is ours.</param>
    public static ProxyRelay Start(string folder, int proxyPort, (int Uid, int Gid)? owner)
    {
        var path = Path.Combine(folder, SocketName);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            NativeHost.WithShortPath(folder, shortFolder =>
            {
                listener.Bind(new UnixDomainSocketEndPoint($"{shortFolder}/{SocketName}"));
                return 0;
            });
            var ownedBySandbox = owner is { } o && NativeHost.EffectiveUserId == 0 && NativeHost.TryChown(path, o.Uid, o.Gid);
            // 0600 for the sandbox's user; when we cannot give it away, the sandbox needs write permission as "other"
            // (connect(2) needs it), and the folder's private parent keeps everyone else out.
            File.SetUnixFileMode(path, ownedBySandbox || owner is null || owner.Value.Uid == NativeHost.EffectiveUserId
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
            listener.Listen(64);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            listener.Dispose();
            throw new SandboxException(Codes.ProxyRelayFailed, $"The proxy socket {path} could not be created: {e.Message}");
        }

        return new ProxyRelay(listener, path, proxyPort);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        File.Delete(SocketPath);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            await _slots.WaitAsync(_stop.Token);
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch
            {
                _slots.Release();
                throw;
            }

            Interlocked.Increment(ref _connections);
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using (client)
            {
                await upstream.ConnectAsync(new IPEndPoint(IPAddress.Loopback, _proxyPort), _stop.Token);
                await Task.WhenAll(CopyAsync(client, upstream), CopyAsync(upstream, client));
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // One connection ended badly (the proxy refused it, the sandbox went away): the others go on.
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Copies one direction until its end, then half-closes the other side so the peer sees the end too.</summary>
    private async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // A reset on one side: close both, as a direct connection would.
            from.Close();
            to.Close();
        }
    }
}
