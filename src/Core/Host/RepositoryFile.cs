using SandboxBuild.Probing;

namespace SandboxBuild.Host;

/// <summary>
/// Reads a file of the repository on the host, where the repository is hostile: only a regular file (never a
/// FIFO that would block, a device that never ends, or a link to somewhere else) and only up to a size, so
/// no file the repository carries can hang or exhaust the process that reads it.
/// </summary>
public static class RepositoryFile
{
    /// <summary>The file's bytes, or null when it is not a regular file, is larger than <paramref name="maxBytes"/>, or cannot be read.</summary>
    public static byte[]? TryReadSmall(string path, long maxBytes)
    {
        if (!LinuxStat.TryLstat(path, out var stat, out _) || stat.Kind != FileKind.Regular || stat.Size > maxBytes)
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var bytes = new byte[Math.Min(stream.Length, maxBytes)];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>What the entry at <paramref name="path"/> is, without following a link; null when it is gone.</summary>
    public static FileKind? KindOf(string path) => LinuxStat.TryLstat(path, out var stat, out _) ? stat.Kind : null;
}
