using System.Buffers.Binary;
using System.Text;

namespace SandboxBuild.Probing;

/// <summary>
/// The `dotnet test` pipe protocol of Microsoft.Testing.Platform (testfx,
/// docs/mstest-runner-protocol/004-protocol-dotnet-test-pipe.md), the parts SandboxBuild speaks: frames, the
/// handshake and the empty reply. A frame is `int32 size` (serializer id + payload), `int32 serializer id`,
/// payload; little-endian. The test module is the client and every request gets one reply.
/// Shared by the in-sandbox recorder (server for the real module) and the host replay (client of the SDK).
/// </summary>
public static class TestPipe
{
    public const int VoidResponse = 0;
    public const int CommandLineOptionMessages = 3;
    public const int DiscoveredTestMessages = 5;
    public const int TestResultMessages = 6;
    public const int FileArtifactMessages = 7;
    public const int TestSessionEvent = 8;
    public const int Handshake = 9;

    /// <summary>The only protocol version the .NET 10 SDKs speak; newer ones negotiate down to it.</summary>
    public const string ProtocolVersion = "1.0.0";

    /// <summary>No message of a test module comes near this; a bigger frame is refused, not allocated.</summary>
    public const int MaxFrameBytes = 64 << 20;

    public static class HandshakeKeys
    {
        public const byte Pid = 0;
        public const byte Architecture = 1;
        public const byte Framework = 2;
        public const byte OS = 3;
        public const byte SupportedProtocolVersions = 4;
        public const byte HostType = 5;
        public const byte ModulePath = 6;
        public const byte ExecutionId = 7;
        public const byte InstanceId = 8;
    }

    /// <summary>One frame: null at a clean end of stream; an exception for a truncated or oversized one.</summary>
    public static async Task<(int SerializerId, byte[] Payload)?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        var first = await stream.ReadAtLeastAsync(header.AsMemory(0, 4), 4, throwOnEndOfStream: false, cancellationToken);
        if (first == 0)
        {
            return null;
        }

        if (first < 4)
        {
            throw new InvalidDataException("the pipe closed inside a frame header");
        }

        var size = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (size < 4 || size > MaxFrameBytes)
        {
            throw new InvalidDataException($"a frame of {size} bytes is out of bounds");
        }

        await stream.ReadExactlyAsync(header.AsMemory(4, 4), cancellationToken);
        var payload = new byte[size - 4];
        await stream.ReadExactlyAsync(payload, cancellationToken);
        return (BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4)), payload);
    }

    public static async Task WriteFrameAsync(Stream stream, int serializerId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 4 + payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(4), serializerId);
        payload.CopyTo(frame.AsMemory(8));
        await stream.WriteAsync(frame, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>`uint16 count`, then per property `byte key`, `int32 length`, UTF-8 value.</summary>
    public static byte[] EncodeHandshake(IReadOnlyDictionary<byte, string> properties)
    {
        using var buffer = new MemoryStream();
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(number, (ushort)properties.Count);
        buffer.Write(number[..2]);
        foreach (var (key, value) in properties.OrderBy(p => p.Key))
        {
            buffer.WriteByte(key);
            var bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32LittleEndian(number, bytes.Length);
            buffer.Write(number);
            buffer.Write(bytes);
        }

        return buffer.ToArray();
    }

    public static Dictionary<byte, string> DecodeHandshake(ReadOnlySpan<byte> payload)
    {
        var properties = new Dictionary<byte, string>();
        var count = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        var position = 2;
        for (var i = 0; i < count; i++)
        {
            var key = payload[position];
            var length = BinaryPrimitives.ReadInt32LittleEndian(payload[(position + 1)..]);
            if (length < 0 || position + 5 + length > payload.Length)
            {
                throw new InvalidDataException("a handshake property runs past its message");
            }

            properties[key] = Encoding.UTF8.GetString(payload.Slice(position + 5, length));
            position += 5 + length;
        }

        return properties;
    }
}
