using System.Runtime.InteropServices;

namespace SandboxBuild.Probing;

public enum FileKind
{
    Other,
    Regular,
    Directory,
    Symlink,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
}

/// <summary>What statx reports about one file, without following a final symlink.</summary>
public readonly record struct FileStat(uint Mode, uint Links, uint Uid, uint Gid, ulong Inode, long Size, long Blocks, uint DevMajor, uint DevMinor, ulong MountId)
{
    public FileKind Kind => (Mode & 0xF000) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.Symlink,
        0x1000 => FileKind.Fifo,
        0xC000 => FileKind.Socket,
        0x2000 => FileKind.CharDevice,
        0x6000 => FileKind.BlockDevice,
        _ => FileKind.Other,
    };

    public uint Permissions => Mode & 0xFFF;
}

/// <summary>
/// statx(2): the one stat call whose structure is the same on every Linux architecture, so it can be called
/// without per-platform layouts. Used by the probe (socket scan) and the artifact collector (file types).
/// </summary>
public static unsafe partial class LinuxStat
{
    public const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const uint StatxMountId = 0x1000;

    public static bool TryLstat(string path, out FileStat stat, out int errno) => TryStatAt(AtFdCwd, path, out stat, out errno);

    /// <summary>Stat of an entry of an open directory, not following a symlink.</summary>
    public static bool TryStatAt(int directoryFd, string name, out FileStat stat, out int errno)
    {
        var buffer = stackalloc byte[256];
        var rc = statx(directoryFd, name, AtSymlinkNoFollow, StatxBasicStats | StatxMountId, buffer);
        return Finish(rc, buffer, out stat, out errno);
    }

    /// <summary>Stat of an entry of an open directory by its raw name bytes (any bytes but NUL and '/').</summary>
    public static bool TryStatAt(int directoryFd, ReadOnlySpan<byte> name, out FileStat stat, out int errno)
    {
        var buffer = stackalloc byte[256];
        var terminated = stackalloc byte[name.Length + 1];
        name.CopyTo(new Span<byte>(terminated, name.Length));
        terminated[name.Length] = 0;
        var rc = statx_raw(directoryFd, terminated, AtSymlinkNoFollow, StatxBasicStats | StatxMountId, buffer);
        return Finish(rc, buffer, out stat, out errno);
    }

    /// <summary>Stat of an open file descriptor: what was actually opened, whatever the path says now.</summary>
    public static bool TryFstat(int fd, out FileStat stat, out int errno)
    {
        var buffer = stackalloc byte[256];
        var rc = statx(fd, "", AtEmptyPath | AtSymlinkNoFollow, StatxBasicStats | StatxMountId, buffer);
        return Finish(rc, buffer, out stat, out errno);
    }

    private static bool Finish(int rc, byte* b, out FileStat stat, out int errno)
    {
        if (rc != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            stat = default;
            return false;
        }

        errno = 0;
        stat = new FileStat(
            Mode: *(ushort*)(b + 28),
            Links: *(uint*)(b + 16),
            Uid: *(uint*)(b + 20),
            Gid: *(uint*)(b + 24),
            Inode: *(ulong*)(b + 32),
            Size: *(long*)(b + 40),
            Blocks: *(long*)(b + 48),
            DevMajor: *(uint*)(b + 136),
            DevMinor: *(uint*)(b + 140),
            MountId: *(ulong*)(b + 144));
        return true;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int statx_raw(int dirfd, byte* pathname, int flags, uint mask, byte* statxbuf);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string pathname, int flags, uint mask, byte* statxbuf);
}
