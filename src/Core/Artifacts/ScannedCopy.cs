using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace SandboxBuild.Artifacts;

/// <summary>What copying one file found: its digest and any secrets, or that it changed size meanwhile.</summary>
internal sealed record CopyOutcome(bool SizeChanged, string Sha256, IReadOnlyList<SecretHit> Hits);

/// <summary>
/// Copies one opened file in a single pass: every chunk is hashed, scanned and written, so the bytes that are
/// published are exactly the bytes that were checked. One per worker: it owns its buffer.
/// </summary>
internal sealed class ScannedCopy(SecretScanner scanner)
{
    private const int ChunkSize = 4 << 20;

    private readonly byte[] _buffer = new byte[ChunkSize + SecretScanner.Overlap];

    /// <summary>Writes <paramref name="partial"/>; the caller renames it into place, or deletes it.</summary>
    public CopyOutcome Copy(SafeFileHandle handle, long size, string partial, bool configFile)
    {
        var hits = new List<SecretHit>();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long copied = 0, linesBefore = 1;
        int carried = 0, scanFrom = 0;

        using (var input = new FileStream(handle, FileAccess.Read, bufferSize: 0))
        using (var output = new FileStream(partial, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            BufferSize = 0,
            // Plain modes whatever the sandbox set: no setuid, setgid, executable or world-writable file leaves it.
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
            PreallocationSize = size,
        }))
        {
            while (true)
            {
                var read = input.Read(_buffer, carried, ChunkSize);
                if (read == 0)
                {
                    break;
                }

                copied += read;
                if (copied > size)
                {
                    break; // grew after it was examined: refused by the caller
                }

                var chunk = _buffer.AsSpan(carried, read);
                hash.AppendData(chunk);
                output.Write(chunk);
                var next = scanner.ScanChunk(_buffer.AsSpan(0, carried + read), scanFrom, final: false, configFile, linesBefore, hits);

                // Keep a tail: anchors near the end were left for the next chunk, which sees them whole with their history.
                var keep = Math.Min(SecretScanner.Overlap, carried + read);
                var dropped = carried + read - keep;
                linesBefore += _buffer.AsSpan(0, dropped).Count((byte)'\n');
                _buffer.AsSpan(dropped, keep).CopyTo(_buffer);
                carried = keep;
                scanFrom = Math.Max(0, next - dropped);
            }

            scanner.ScanChunk(_buffer.AsSpan(0, carried), scanFrom, final: true, configFile, linesBefore, hits);
        }

        return new CopyOutcome(copied != size, Convert.ToHexStringLower(hash.GetHashAndReset()), hits);
    }
}
