using System.Globalization;
using System.Net.Sockets;
using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;

namespace SandboxBuild.TestModules;

/// <summary>
/// Plays a verified record to the host's `dotnet test`, as the module would have: one connection per recorded
/// connection, each opened with a handshake made here (this process's id, the host's module path, protocol
/// 1.0.0, and the module's own labels, cleaned), then every kept message, each waiting for the SDK's reply.
/// </summary>
internal static class TestPipeReplay
{
    private static readonly byte[] CopiedHandshakeKeys =
    [
        TestPipe.HandshakeKeys.Architecture, TestPipe.HandshakeKeys.Framework, TestPipe.HandshakeKeys.OS,
        TestPipe.HandshakeKeys.HostType, TestPipe.HandshakeKeys.ExecutionId, TestPipe.HandshakeKeys.InstanceId,
    ];

    /// <summary>The socket the SDK listens on for a `--dotnet-test-pipe` name (System.IO.Pipes' rule on Unix).</summary>
    public static string SocketPath(string pipe) => Path.IsPathRooted(pipe) ? pipe : Path.Combine(Path.GetTempPath(), "CoreFxPipe_" + pipe);

    public static async Task<int> ReplayAsync(string pipe, IReadOnlyList<RecordedFrame> frames, string modulePath, PipeMessageFilter filter, CancellationToken cancellationToken)
    {
        var sent = 0;
        foreach (var connection in frames.Select(f => f.Connection).Distinct())
        {
            var messages = frames.Where(f => f.Connection == connection).ToList();
            if (messages[0].SerializerId != TestPipe.Handshake)
            {
                continue; // The SDK answers nothing before a handshake; the module's own server would have failed too.
            }

            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath(pipe)), cancellationToken);
            }
            catch (SocketException e)
            {
                throw new SandboxException(Codes.TestReplayFailed, $"dotnet test's pipe '{SafeText.Escape(pipe)}' could not be reached: {e.Message}.");
            }

            await using var stream = new NetworkStream(socket, ownsSocket: false);
            foreach (var message in messages)
            {
                var payload = message.SerializerId == TestPipe.Handshake
                    ? Handshake(TestPipe.DecodeHandshake(message.Payload), modulePath)
                    : filter.Filter(message.SerializerId, message.Payload);
                if (payload is null || (message.SerializerId == TestPipe.Handshake && message != messages[0]))
                {
                    continue;
                }

                await TestPipe.WriteFrameAsync(stream, message.SerializerId, payload, cancellationToken);
                var reply = await TestPipe.ReadFrameAsync(stream, cancellationToken)
                    ?? throw new SandboxException(Codes.TestReplayFailed, "dotnet test closed its pipe before the results were all replayed.");
                if (message.SerializerId == TestPipe.Handshake)
                {
                    var agreed = reply.SerializerId == TestPipe.Handshake ? TestPipe.DecodeHandshake(reply.Payload).GetValueOrDefault(TestPipe.HandshakeKeys.SupportedProtocolVersions) : null;
                    if (agreed != TestPipe.ProtocolVersion)
                    {
                        throw new SandboxException(Codes.TestReplayFailed,
                            $"dotnet test did not accept protocol {TestPipe.ProtocolVersion} (it answered '{SafeText.Escape(agreed ?? "nothing")}').");
                    }
                }

                sent++;
            }
        }

        return sent;
    }

    private static byte[] Handshake(Dictionary<byte, string> recorded, string modulePath)
    {
        var properties = new Dictionary<byte, string>
        {
            [TestPipe.HandshakeKeys.Pid] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            [TestPipe.HandshakeKeys.SupportedProtocolVersions] = TestPipe.ProtocolVersion,
            [TestPipe.HandshakeKeys.ModulePath] = modulePath,
        };
        foreach (var key in CopiedHandshakeKeys)
        {
            properties[key] = SafeText.Escape(recorded.GetValueOrDefault(key, ""), 200);
        }

        return TestPipe.EncodeHandshake(properties);
    }
}
