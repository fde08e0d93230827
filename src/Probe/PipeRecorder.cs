using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SandboxBuild.Probing;

/// <summary>
/// The server side of the dotnet-test pipe, for modules running inside the sandbox. It answers as the SDK
/// does (the handshake with the negotiated version, every other request with the empty reply), negotiates
/// only the protocol version the host replays, and appends every request to the record, in arrival order.
/// A module may open several connections (a test host controller and its test host); each is tagged.
/// </summary>
internal sealed class PipeRecorder(Stream record)
{
    private readonly Lock _recordLock = new();
    private readonly List<Task> _connections = [];
    private int _nextConnection;

    public async Task AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var client = await listener.AcceptAsync(cancellationToken);
                var connection = Interlocked.Increment(ref _nextConnection) - 1;
                lock (_connections)
                {
                    _connections.Add(Task.Run(() => ServeAsync(client, connection, cancellationToken), CancellationToken.None));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void WaitForConnections(TimeSpan timeout)
    {
        Task[] pending;
        lock (_connections)
        {
            pending = [.. _connections];
        }

        Task.WaitAll(pending, timeout);
    }

    public void Finish(int exitCode)
    {
        lock (_recordLock)
        {
            TestRecord.WriteExit(record, exitCode);
        }
    }

    private async Task ServeAsync(Socket client, int connection, CancellationToken cancellationToken)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            while (await TestPipe.ReadFrameAsync(stream, cancellationToken) is var (serializerId, payload))
            {
                lock (_recordLock)
                {
                    TestRecord.WriteFrame(record, connection, serializerId, payload);
                }

                if (serializerId == TestPipe.Handshake)
                {
                    await TestPipe.WriteFrameAsync(stream, TestPipe.Handshake, HandshakeReply(TestPipe.DecodeHandshake(payload)), cancellationToken);
                }
                else
                {
                    await TestPipe.WriteFrameAsync(stream, TestPipe.VoidResponse, ReadOnlyMemory<byte>.Empty, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or OperationCanceledException)
        {
            Console.Error.WriteLine($"sandboxbuild: test pipe connection {connection} ended: {e.Message}");
        }
    }

    private static byte[] HandshakeReply(Dictionary<byte, string> request)
    {
        var offered = request.GetValueOrDefault(TestPipe.HandshakeKeys.SupportedProtocolVersions, "");
        var agreed = offered.Split(';').Any(v => v.Trim() == TestPipe.ProtocolVersion) ? TestPipe.ProtocolVersion : "";
        return TestPipe.EncodeHandshake(new Dictionary<byte, string>
        {
            [TestPipe.HandshakeKeys.Pid] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [TestPipe.HandshakeKeys.Architecture] = RuntimeInformation.ProcessArchitecture.ToString(),
            [TestPipe.HandshakeKeys.Framework] = RuntimeInformation.FrameworkDescription,
            [TestPipe.HandshakeKeys.OS] = RuntimeInformation.OSDescription,
            [TestPipe.HandshakeKeys.SupportedProtocolVersions] = agreed,
        });
    }
}
