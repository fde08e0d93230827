using SandboxBuild.Engine;
using System.Diagnostics;
using System.Globalization;
using SandboxBuild.Diagnostics;
using SandboxBuild.Host;
using SandboxBuild.Probing;

namespace SandboxBuild.Restore;

/// <summary>
/// The private folder of one Squid: its configuration, key pair, logs and pid, under a base folder only we
/// own (0711, so the proxy's account can reach its own folder and nothing else). Each folder records the
/// process that owns it, so a crashed run's proxy is found, stopped and removed by the next one.
/// </summary>
internal sealed class ProxyFolder
{
    private const string OwnerFile = "owner";

    private ProxyFolder(string path) => Path = path;

    public string Path { get; }

    public static string BaseFolder =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sandboxbuild-egress-{NativeHost.EffectiveUserId.ToString(CultureInfo.InvariantCulture)}");

    public static ProxyFolder Create(string serviceName)
    {
        var root = EnsureBase();
        var path = System.IO.Path.Combine(root, serviceName);
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new ProxyFolder(path);
    }

    public string Copy(string file, string name)
    {
        var target = System.IO.Path.Combine(Path, name);
        File.Copy(file, target, overwrite: true);
        return target;
    }

    /// <summary>Gives the folder and its files to the proxy's account (as root); the key stays readable by it alone.</summary>
    public void HandTo(ProxyUser? user)
    {
        foreach (var file in Directory.EnumerateFiles(Path))
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            if (user is not null && !NativeHost.TryChown(file, user.Uid, user.Gid))
            {
                throw new SandboxException(Codes.ProxyStartFailed, $"The proxy's file {file} could not be given to {user.Name}.");
            }
        }

        if (user is not null && !NativeHost.TryChown(Path, user.Uid, user.Gid))
        {
            throw new SandboxException(Codes.ProxyStartFailed, $"The proxy's folder {Path} could not be given to {user.Name}.");
        }
    }

    public void RecordOwner(int squidPid) =>
        File.WriteAllText(System.IO.Path.Combine(Path, OwnerFile), $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}\n{squidPid.ToString(CultureInfo.InvariantCulture)}\n");

    /// <summary>Removes the folder and the shared-memory segments Squid named after the service.</summary>
    public void Remove(string serviceName)
    {
        foreach (var segment in Directory.Exists("/dev/shm") ? Directory.EnumerateFiles("/dev/shm", $"{serviceName}-*") : [])
        {
            TryDelete(() => File.Delete(segment));
        }

        TryDelete(() => Directory.Delete(Path, recursive: true));
    }

    /// <summary>Stops and removes the proxies of runs whose process is gone (crashed, killed).</summary>
    public static void SweepLeftovers()
    {
        var root = BaseFolder;
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            var owner = System.IO.Path.Combine(folder, OwnerFile);
            var lines = File.Exists(owner) ? File.ReadAllLines(owner) : [];
            var recent = Directory.GetCreationTimeUtc(folder) > DateTime.UtcNow.AddMinutes(-1);
            if (lines.Length < 2 ? recent : OwnerAlive(lines[0]))
            {
                continue; // being set up right now, or in use
            }

            if (lines.Length >= 2 && int.TryParse(lines[1], CultureInfo.InvariantCulture, out var squidPid) && IsOurSquid(squidPid, folder))
            {
                TryDelete(() =>
                {
                    using var process = Process.GetProcessById(squidPid);
                    process.Kill();
                    process.WaitForExit(2000);
                });
            }

            new ProxyFolder(folder).Remove(System.IO.Path.GetFileName(folder));
        }
    }

    private static string EnsureBase()
    {
        var root = BaseFolder;
        Directory.CreateDirectory(root);
        // Only ours, and not a link someone planted in the shared temporary folder.
        if (!LinuxStat.TryLstat(root, out var stat, out _) || stat.Kind != FileKind.Directory || stat.Uid != (uint)NativeHost.EffectiveUserId)
        {
            throw new SandboxException(Codes.ProxyStartFailed, $"{root} is not a folder owned by this user; remove it.");
        }

        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return root;
    }

    private static bool OwnerAlive(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length != 2 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid))
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsOurSquid(int pid, string folder)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline").Contains(folder, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void TryDelete(Action delete)
    {
        try
        {
            delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or not ours to remove: the next sweep tries again.
        }
    }
}
