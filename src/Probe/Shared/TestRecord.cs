using System.Buffers.Binary;

namespace SandboxBuild.Probing;

/// <summary>One message a test module sent over its pipe inside the sandbox, in arrival order.</summary>
public sealed record RecordedFrame(int Connection, int SerializerId, byte[] Payload);

/// <summary>
/// The file the in-sandbox recorder writes to the output folder: every request a test module sent, tagged with
/// its connection, then the module's exit code. Written inside the sandbox, so on the host it is untrusted
/// input like any artifact: the reader bounds every count and size and refuses anything malformed.
/// Layout: magic, then entries `'F' conn:int32 serializer:int32 length:int32 payload` or `'X' exitCode:int32`.
/// </summary>
public static class TestRecord
{
    public const string FileName = "test-module.rec";

    private static readonly byte[] Magic = "SBXTREC1"u8.ToArray();

    public static void WriteHeader(Stream stream) => stream.Write(Magic);

    public static void WriteFrame(Stream stream, int connection, int serializerId, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[13];
        header[0] = (byte)'F';
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], connection);
        BinaryPrimitives.WriteInt32LittleEndian(header[5..], serializerId);
        BinaryPrimitives.WriteInt32LittleEndian(header[9..], payload.Length);
        stream.Write(header);
        stream.Write(payload);
        stream.Flush();
    }

    public static void WriteExit(Stream stream, int exitCode)
    {
        Span<byte> entry = stackalloc byte[5];
        entry[0] = (byte)'X';
        BinaryPrimitives.WriteInt32LittleEndian(entry[1..], exitCode);
        stream.Write(entry);
        stream.Flush();
    }

    /// <summary>The frames and the exit code (null when the module did not finish); throws InvalidDataException on anything malformed.</summary>
    public static (IReadOnlyList<RecordedFrame> Frames, int? ExitCode) Read(Stream stream, long maxTotalBytes, int maxFrames)
    {
        var magic = new byte[Magic.Length];
        if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) != magic.Length || !magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a SandboxBuild test record");
        }

        var frames = new List<RecordedFrame>();
        long total = 0;
        int? exitCode = null;
        var header = new byte[13];
        while (true)
        {
            var kind = stream.ReadByte();
            if (kind < 0)
            {
                return (frames, exitCode);
            }

            if (exitCode is not null)
            {
                throw new InvalidDataException("entries follow the exit code");
            }

            if (kind == 'X')
            {
                stream.ReadExactly(header.AsSpan(1, 4));
                exitCode = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
                continue;
            }

            if (kind != 'F')
            {
                throw new InvalidDataException($"unknown entry kind {kind}");
            }

            stream.ReadExactly(header.AsSpan(1, 12));
            var connection = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
            var serializer = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(5));
            var length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(9));
            total += length;
            if (connection is < 0 or > 64 || length < 0 || length > TestPipe.MaxFrameBytes || total > maxTotalBytes || frames.Count >= maxFrames)
            {
                throw new InvalidDataException($"an entry is out of bounds (connection {connection}, {length} bytes, {frames.Count} entries)");
            }

            var payload = new byte[length];
            stream.ReadExactly(payload);
            frames.Add(new RecordedFrame(connection, serializer, payload));
        }
    }
}
