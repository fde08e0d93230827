using System.Runtime.InteropServices;

namespace SandboxBuild.Host;

/// <summary>The host-side system calls .NET has no API for.</summary>
internal static partial class NativeHost
{
    private const int SigTerm = 15;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    private const int OpenDirectoryReadOnly = 0x10000 | 0x80000; // O_DIRECTORY | O_CLOEXEC

    /// <summary>Gives a folder we just created to the sandbox's user; never used on a path the sandbox controls.</summary>
    public static bool TryChown(string path, int uid, int gid) => lchown(path, (uint)uid, (uint)gid) == 0;

    /// <summary>Asks a process to end (SIGTERM), so it can clean up; Process.Kill only knows SIGKILL.</summary>
    public static bool TryTerminate(int pid) => kill(pid, SigTerm) == 0;

    public static int EffectiveUserId => (int)geteuid();

    /// <summary>
    /// Runs <paramref name="use"/> with a short path for <paramref name="folder"/> (/proc/self/fd/N): unix socket
    /// addresses are limited to 108 bytes, and state folders (the action's /github/home/...) are often longer.
    /// </summary>
    public static T WithShortPath<T>(string folder, Func<string, T> use)
    {
        var fd = open(folder, OpenDirectoryReadOnly);
        if (fd < 0)
        {
            throw new IOException($"{folder} cannot be opened (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            return use($"/proc/self/fd/{fd.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        finally
        {
            _ = close(fd);
        }
    }
}
