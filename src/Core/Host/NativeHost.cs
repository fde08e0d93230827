using System.Runtime.InteropServices;

namespace SandboxBuild.Host;

/// <summary>The host-side system calls .NET has no API for.</summary>
internal static partial class NativeHost
{
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);

    /// <summary>Gives a folder we just created to the sandbox's user; never used on a path the sandbox controls.</summary>
    public static bool TryChown(string path, int uid, int gid) => lchown(path, (uint)uid, (uint)gid) == 0;
}
