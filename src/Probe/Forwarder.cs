using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SandboxBuild.Probing;

/// <summary>
/// `forward --listen 127.0.0.1:3128 --socket PATH [-- command ...]`: inside the restore sandbox (which has no
/// network), accepts TCP connections on loopback and relays each to the host's proxy socket. With a command
/// it listens first, runs the command, and ends with it (its exit code is ours); without one it runs until
/// killed. Untrusted code may kill it or use the socket directly: all it reaches is the allowlisting proxy.
/// </summary>
internal static class Forwarder
{
    public static int Run(string[] args)
    {
        string? listen = null, socketPath = null;
        var separator = Array.IndexOf(args, "--");
        var options = separator < 0 ? args : args[..separator];
        var command = separator < 0 ? [] : args[(separator + 1)..];
        for (var i = 0; i + 1 < options.Length; i += 2)
        {
            switch (options[i])
            {
                case "--listen": listen = options[i + 1]; break;
                case "--socket": socketPath = options[i + 1]; break;
                default: throw new ArgumentException($"unknown argument '{options[i]}'");
            }
        }

        if (listen is null || socketPath is null || options.Length % 2 != 0)
        {
            throw new ArgumentException("--listen ADDRESS:PORT and --socket PATH are required");
        }

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(IPEndPoint.Parse(listen));
        listener.Listen(128);
        using var stop = new CancellationTokenSource();
        var accepting = AcceptAsync(listener, socketPath, stop.Token);
        if (command.Length == 0)
        {
            accepting.GetAwaiter().GetResult();
            return 0;
        }

        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start) ?? throw new InvalidOperationException($"'{command[0]}' could not be started");
        child.WaitForExit();
        stop.Cancel();
        return child.ExitCode;
    }

    private static async Task AcceptAsync(Socket listener, string socketPath, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = RelayAsync(client, socketPath, stop);
        }
    }

    private static async Task RelayAsync(Socket client, string socketPath, CancellationToken stop)
    {
        using (client)
        using (var upstream = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await upstream.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), stop);
                await Task.WhenAll(CopyAsync(client, upstream, stop), CopyAsync(upstream, client, stop));
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // This connection ends; the client sees it closed, as with a direct connection.
            }
        }
    }

    private static async Task CopyAsync(Socket from, Socket to, CancellationToken stop)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, stop);
                if (read == 0)
                {
                    break;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, stop);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            from.Close();
            to.Close();
        }
    }
}
