using System.Runtime.InteropServices;

namespace SandboxBuild.Probing;

/// <summary>The few system calls the probe tries on purpose, to show they are refused.</summary>
internal static partial class Native
{
    public const int CloneNewUser = 0x10000000;
    public const int CloneNewNs = 0x00020000;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int setuid(uint uid);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int unshare(int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mount(string source, string target, string fstype, nuint flags, nint data);

    public const int MntDetach = 2;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int umount2(string target, int flags);

    public static string LastError()
    {
        var errno = Marshal.GetLastPInvokeError();
        return $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";
    }
}
