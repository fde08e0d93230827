using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Host;

namespace SandboxBuild.Restore;

/// <summary>One restore's folders: the packages and the restore outputs it wrote, kept for reuse.</summary>
public sealed record RestoreEntry(string Folder)
{
    public string Packages => Path.Combine(Folder, "packages");

    public string Results => Path.Combine(Folder, "results");

    public string Marker => Path.Combine(Folder, "complete.json");

    public bool IsComplete => File.Exists(Marker);
}

/// <summary>
/// Restores kept per repository under its state folder, named by the hash of their inputs. An entry counts
/// only once the host has marked it complete, in a file the restore sandbox never had mounted. The newest
/// few are kept; what a crashed run left is removed by the next.
/// </summary>
internal sealed class RestoreCache(string stateFolder)
{
    private const int Keep = 3;
    private const string OwnerFile = "owner";

    public string Root { get; } = Path.Combine(stateFolder, "restore");

    /// <summary>A sandbox may still have an entry mounted this long after it was last used (a run's timeout, with room).</summary>
    private static readonly TimeSpan InUse = TimeSpan.FromHours(2);

    /// <summary>The newest complete restore of these inputs, marked as used now (so pruning leaves it alone).</summary>
    public RestoreEntry? Find(string hash)
    {
        var entry = Entries().Where(e => Path.GetFileName(e.Folder).StartsWith(hash + "-", StringComparison.Ordinal) && e.IsComplete)
            .OrderByDescending(e => File.GetLastWriteTimeUtc(e.Marker))
            .FirstOrDefault();
        if (entry is not null)
        {
            File.SetLastWriteTimeUtc(entry.Marker, DateTime.UtcNow);
        }

        return entry;
    }

    /// <summary>Held while a restore of these inputs is looked up or made. Lock files live beside the restores, never removed (a removed one could be held twice).</summary>
    public Task<ExclusiveFileLock> LockAsync(string hash, Action onWait, CancellationToken cancellationToken)
    {
        var locks = Path.Combine(Path.GetDirectoryName(Root)!, "restore-locks");
        CreatePrivate(locks);
        return ExclusiveFileLock.AcquireAsync(Path.Combine(locks, $"{hash}.lock"), onWait, cancellationToken);
    }

    /// <summary>A fresh entry; its package and results folders belong to the restore sandbox's user.</summary>
    public RestoreEntry Create(string hash, string runId, int? uid, int? gid)
    {
        CreatePrivate(Root);
        var entry = new RestoreEntry(Path.Combine(Root, $"{hash}-{runId}"));
        CreatePrivate(entry.Folder);
        File.WriteAllText(Path.Combine(entry.Folder, OwnerFile), Owner());
        SandboxFolder(entry.Packages, uid, gid);
        SandboxFolder(entry.Results, uid, gid);
        return entry;
    }

    public static void Complete(RestoreEntry entry, string hash, TimeSpan duration)
    {
        File.WriteAllText(entry.Marker, JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["inputs"] = hash,
            ["completed"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            ["seconds"] = duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture),
        }));
        File.Delete(Path.Combine(entry.Folder, OwnerFile));
    }

    /// <summary>Removes all but the newest complete entries, and incomplete ones whose run is gone.</summary>
    public async Task PruneAsync(EngineConnection engine, string image, string user, IHostPaths hostPaths, RestoreEntry? keep, ISandboxLog log)
    {
        // Beyond the newest few, and unused for long enough that no sandbox can still have it mounted (a solution's
        // test projects each restore their own, and their sandboxes run at the same time).
        var complete = Entries().Where(e => e.IsComplete).OrderByDescending(e => File.GetLastWriteTimeUtc(e.Marker)).ToArray();
        var stale = complete.Skip(Keep).Where(e => File.GetLastWriteTimeUtc(e.Marker) < DateTime.UtcNow - InUse).Concat(Entries().Where(e => !e.IsComplete && !OwnerAlive(e)))
            .Where(e => keep is null || e.Folder != keep.Folder);
        foreach (var entry in stale)
        {
            await RemoveAsync(engine, image, user, hostPaths, entry.Folder, log);
        }

        // Work folders of crashed runs (they may hold a feed credential); a live restore's is never this old.
        foreach (var work in Directory.Exists(Root) ? Directory.EnumerateDirectories(Root, "run-*") : [])
        {
            try
            {
                if (Directory.GetCreationTimeUtc(work) < DateTime.UtcNow.AddHours(-12))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed meanwhile by its own run (each removes its own as its proxy stops), or not ours to remove.
            }
        }
    }

    /// <summary>Removes a folder the restore sandbox wrote: directly, or through a short-lived container of its user when this user may not.</summary>
    public static async Task RemoveAsync(EngineConnection engine, string image, string user, IHostPaths hostPaths, string folder, ISandboxLog log)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            return;
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Detail($"removing {folder} through the engine: {e.Message}");
        }

        try
        {
            // The entry itself is private to us; its two folders are the sandbox user's, emptied as that user.
            await FolderCleaner.EmptyAsync(engine, image, user, hostPaths.ToHost(Path.Combine(folder, "packages")));
            await FolderCleaner.EmptyAsync(engine, image, user, hostPaths.ToHost(Path.Combine(folder, "results")));
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EngineException)
        {
            log.Detail($"{folder} could not be removed ({e.Message}); the next run tries again");
        }
    }

    private IEnumerable<RestoreEntry> Entries() =>
        Directory.Exists(Root) ? Directory.EnumerateDirectories(Root).Where(d => !Path.GetFileName(d).StartsWith("run-", StringComparison.Ordinal)).Select(d => new RestoreEntry(d)) : [];

    private static void CreatePrivate(string path) =>
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

    /// <summary>A fresh folder the sandbox's user writes: given to it as root, else opened (its parent is private to us).</summary>
    internal static void SandboxFolder(string path, int? uid, int? gid)
    {
        Directory.CreateDirectory(path);
        if (!(NativeHost.EffectiveUserId == 0 && uid is { } u && NativeHost.TryChown(path, u, gid ?? u)) && uid != NativeHost.EffectiveUserId)
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        }
    }

    private static string Owner() => $"{Environment.MachineName}:{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";

    private static bool OwnerAlive(RestoreEntry entry)
    {
        var file = Path.Combine(entry.Folder, OwnerFile);
        if (!File.Exists(file))
        {
            // Neither complete nor owned: a run that crashed between the two. Old enough, it is left over.
            return Directory.GetCreationTimeUtc(entry.Folder) > DateTime.UtcNow.AddHours(-1);
        }

        var parts = File.ReadAllText(file).Trim().Split(':');
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
}
