using System.Buffers.Binary;
using System.Text;

namespace SandboxBuild.TestModules;

/// <summary>
/// Re-encodes one recorded message for the host's SDK: every size checked against what is left, only the
/// fields of <see cref="PipeMessageSchema"/> kept, text stripped of control characters (no ANSI sequence from
/// the sandbox reaches the terminal) and bounded, and file artifacts pointed at their verified copies on the
/// host (an artifact with no verified copy is dropped). Paths of the staged source in stack traces and
/// locations are shown as the host files they came from. Anything malformed throws InvalidDataException.
/// </summary>
/// <param name="artifactOnHost">The verified host copy of a file the module announced, or null.</param>
/// <param name="stagedSource">The staged source folder inside ("/workspace/build/") and the host folder it came from.</param>
internal sealed class PipeMessageFilter(Func<string, string?> artifactOnHost, (string Inside, string Host)? stagedSource = null)
{
    public const int MaxTextChars = 256 * 1024;

    private const int MaxItems = 1_000_000;

    public int DroppedArtifacts { get; private set; }

    /// <summary>The message to send, or null for a message the replay does not forward.</summary>
    public byte[]? Filter(int serializerId, byte[] payload)
    {
        if (!PipeMessageSchema.Messages.TryGetValue(serializerId, out var fields))
        {
            return null;
        }

        var reader = new Reader(payload);
        using var output = new MemoryStream(payload.Length);
        WriteObject(ref reader, output, fields, isArtifact: false);
        if (reader.Remaining != 0)
        {
            throw new InvalidDataException($"{reader.Remaining} bytes follow the message");
        }

        return output.ToArray();
    }

    /// <summary>Reads one object (field count, fields) and writes the kept fields; false when it must be dropped.</summary>
    private bool WriteObject(ref Reader reader, Stream output, IReadOnlyDictionary<ushort, FieldSpec> fields, bool isArtifact)
    {
        var count = reader.UShort();
        using var body = new MemoryStream();
        ushort kept = 0;
        var keep = true;
        for (var i = 0; i < count; i++)
        {
            var id = reader.UShort();
            var size = reader.Int();
            var field = new Reader(reader.Take(size));
            if (!fields.TryGetValue(id, out var spec))
            {
                continue;
            }

            WriteUShort(body, id);
            var sizeAt = body.Position;
            WriteInt(body, 0);
            if (spec.Kind == FieldKind.Text)
            {
                var text = field.Text(field.Remaining);
                if (isArtifact && id == PipeMessageSchema.ArtifactFullPath)
                {
                    var mapped = artifactOnHost(text);
                    keep &= mapped is not null;
                    text = mapped ?? "";
                }

                body.Write(Encoding.UTF8.GetBytes(Clean(Unstage(text))));
            }
            else if (spec.Kind == FieldKind.Scalar)
            {
                if (size is not (1 or 2 or 4 or 8))
                {
                    throw new InvalidDataException($"a scalar field of {size} bytes");
                }

                body.Write(field.Take(size));
            }
            else
            {
                WriteList(ref field, body, spec, artifacts: ReferenceEquals(spec, PipeMessageSchema.Artifacts));
            }

            if (field.Remaining != 0)
            {
                throw new InvalidDataException($"field {id} has {field.Remaining} unread bytes");
            }

            PatchInt(body, sizeAt, (int)(body.Position - sizeAt - 4));
            kept++;
        }

        if (!keep)
        {
            DroppedArtifacts++;
            return false;
        }

        WriteUShort(output, kept);
        body.Position = 0;
        body.CopyTo(output);
        return true;
    }

    private void WriteList(ref Reader reader, Stream output, FieldSpec spec, bool artifacts)
    {
        var count = reader.Int();
        if (count < 0 || count > MaxItems)
        {
            throw new InvalidDataException($"a list of {count} items");
        }

        using var items = new MemoryStream();
        var written = 0;
        for (var i = 0; i < count; i++)
        {
            if (spec.Kind == FieldKind.Texts)
            {
                var text = Encoding.UTF8.GetBytes(Clean(reader.Text(reader.Int())));
                WriteInt(items, text.Length);
                items.Write(text);
                written++;
            }
            else if (WriteObject(ref reader, items, spec.Items!, artifacts))
            {
                written++;
            }
        }

        WriteInt(output, written);
        items.Position = 0;
        items.CopyTo(output);
    }

    private string Unstage(string text) =>
        stagedSource is var (inside, host) ? text.Replace(inside, host, StringComparison.Ordinal) : text;

    /// <summary>Text from the sandbox, made inert for a terminal: no control characters but line breaks and tabs, bounded.</summary>
    internal static string Clean(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxTextChars));
        foreach (var c in text)
        {
            if (builder.Length >= MaxTextChars)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) && c is not ('\n' or '\r' or '\t') ? '?' : c);
        }

        return builder.ToString();
    }

    private static void WriteUShort(Stream stream, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteInt(Stream stream, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void PatchInt(MemoryStream stream, long position, int value) =>
        BinaryPrimitives.WriteInt32LittleEndian(stream.GetBuffer().AsSpan((int)position, 4), value);

    /// <summary>A bounds-checked cursor over untrusted bytes.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public readonly int Remaining => _data.Length;

        public ReadOnlySpan<byte> Take(int size)
        {
            if (size < 0 || size > _data.Length)
            {
                throw new InvalidDataException($"a field of {size} bytes with {_data.Length} left");
            }

            var taken = _data[..size];
            _data = _data[size..];
            return taken;
        }

        public ushort UShort() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public string Text(int size) => Encoding.UTF8.GetString(Take(size));
    }
}
