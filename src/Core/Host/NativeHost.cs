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

    /// <summary>Gives a folder we just created to the sandbox's user; never used on a path the sandbox controls.</summary>
    public static bool TryChown(string path, int uid, int gid) => lchown(path, (uint)uid, (uint)gid) == 0;

    /// <summary>Asks a process to end (SIGTERM), so it can clean up; Process.Kill only knows SIGKILL.</summary>
    public static bool TryTerminate(int pid) => kill(pid, SigTerm) == 0;

    public static int EffectiveUserId => (int)geteuid();
}
