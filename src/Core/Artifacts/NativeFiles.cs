using System.Runtime.InteropServices;
using System.Text;

namespace SandboxBuild.Artifacts;

/// <summary>
/// The directory-relative file calls the collector needs so that no path it follows can be swapped for a
/// link: every step opens relative to an already-open folder, with O_NOFOLLOW.
/// </summary>
internal static unsafe partial class NativeFiles
{
    public const int ReadOnly = 0x0;
    public const int NoFollow = 0x20000;
    public const int Directory = 0x10000;
    public const int NonBlock = 0x800;
    public const int CloseOnExec = 0x80000;

    public static int OpenDirectory(string path) => open(path, ReadOnly | Directory | NoFollow | CloseOnExec);

    public static int OpenDirectoryAt(int parent, byte[] name) => openat(parent, Terminated(name), ReadOnly | Directory | NoFollow | CloseOnExec);

    public static int OpenFileAt(int parent, byte[] name) => openat(parent, Terminated(name), ReadOnly | NoFollow | NonBlock | CloseOnExec);

    /// <summary>The raw names in an open folder (its fd stays open and owned by the caller).</summary>
    public static List<byte[]> ListNames(int directoryFd)
    {
        var names = new List<byte[]>();
        var copy = dup(directoryFd);
        if (copy < 0)
        {
            return names;
        }

        var stream = fdopendir(copy);
        if (stream == 0)
        {
            close(copy);
            return names;
        }

        try
        {
            // A duplicated descriptor shares its position with the original: start from the top every time.
            rewinddir(stream);
            while (readdir(stream) is var entry && entry != 0)
            {
                // struct dirent64 on Linux: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
                var name = (byte*)entry + 19;
                var length = new ReadOnlySpan<byte>(name, 256).IndexOf((byte)0);
                var bytes = new ReadOnlySpan<byte>(name, length < 0 ? 256 : length).ToArray();
                if (bytes is not [(byte)'.'] and not [(byte)'.', (byte)'.'])
                {
                    names.Add(bytes);
                }
            }
        }
        finally
        {
            _ = closedir(stream);
        }

        names.Sort((a, b) => a.AsSpan().SequenceCompareTo(b));
        return names;
    }

    public static string? ReadLinkAt(int parent, byte[] name)
    {
        var buffer = stackalloc byte[4096];
        var length = readlinkat(parent, Terminated(name), buffer, 4096);
        return length < 0 ? null : Encoding.UTF8.GetString(buffer, (int)length);
    }

    public static bool TryStatAt(int parent, byte[] name, out Probing.FileStat stat) => Probing.LinuxStat.TryStatAt(parent, name.AsSpan(), out stat, out _);

    public static string LastError() => Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    private static byte[] Terminated(byte[] name) => [.. name, 0];

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int openat(int dirfd, byte[] pathname, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint fdopendir(int fd);

    [LibraryImport("libc", EntryPoint = "readdir64", SetLastError = true)]
    private static partial nint readdir(nint dirp);

    [LibraryImport("libc")]
    private static partial int closedir(nint dirp);

    [LibraryImport("libc")]
    private static partial void rewinddir(nint dirp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint readlinkat(int dirfd, byte[] pathname, byte* buf, nint bufsiz);
}
