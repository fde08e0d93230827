namespace SandboxBuild.Probing;

/// <summary>
/// Which places can be written from inside: each is tried for real (create a file, then remove it) and its
/// mount's read-only flag is read from mountinfo, because a non-root write fails on permissions alone and
/// would hide a writable mount.
/// </summary>
internal static class FilesystemProbe
{
    public static void Run(ProbeRequest request, IReadOnlyList<MountEntry> mounts, ProbeReport report)
    {
        report.ProcSys = TryOpenForWrite("/proc/sys/kernel/hostname", MountTable.Find(mounts, "/proc/sys"));
        report.ProcSys.Path = "/proc/sys";

        foreach (var agent in ReleaseAgents())
        {
            report.ReleaseAgents.Add(TryOpenForWrite(agent, MountTable.Find(mounts, agent)));
        }

        if (request.SourcePath is { } source)
        {
            report.Source = TryCreate(source, MountTable.Find(mounts, source));
        }

        if (request.OutputPath is { } output)
        {
            report.Output = TryCreate(output, MountTable.Find(mounts, output));
        }

        report.WritableSubMounts = WritableBelow(request.ReadOnlyTrees, mounts);

        // /var/tmp is world-writable in every Debian image and lives on the root filesystem, so a write there
        // shows whether the root filesystem itself accepts writes.
        var rootMount = MountTable.Find(mounts, "/var/tmp");
        report.RootFilesystem = TryCreate("/var/tmp", rootMount);
        report.RootFilesystem.MountReadOnly = MountTable.Find(mounts, "/")?.ReadOnly;
    }

    /// <summary>Writable mounts strictly below a tree that must be read-only (the mount table's flag, not a write attempt).</summary>
    private static List<string> WritableBelow(IReadOnlyList<string> trees, IReadOnlyList<MountEntry> mounts) => mounts
        .Where(m => !m.ReadOnly && trees.Any(t => m.MountPoint.StartsWith(t.TrimEnd('/') + "/", StringComparison.Ordinal)))
        .Select(m => m.MountPoint)
        .Distinct(StringComparer.Ordinal)
        .ToList();

    private static IEnumerable<string> ReleaseAgents()
    {
        if (!Directory.Exists("/sys/fs/cgroup"))
        {
            return [];
        }

        var top = Path.Combine("/sys/fs/cgroup", "release_agent");
        return Directory.GetDirectories("/sys/fs/cgroup")
            .Select(d => Path.Combine(d, "release_agent"))
            .Append(top)
            .Where(File.Exists);
    }

    private static WriteResult TryCreate(string directory, MountEntry? mount)
    {
        var result = new WriteResult { Path = directory, MountReadOnly = mount?.ReadOnly };
        var probeFile = Path.Combine(directory, $".sandboxbuild-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probeFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
            }

            File.Delete(probeFile);
            result.Writable = true;
            result.Detail = "created and removed a file";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Detail = e.Message;
        }

        return result;
    }

    private static WriteResult TryOpenForWrite(string path, MountEntry? mount)
    {
        var result = new WriteResult { Path = path, MountReadOnly = mount?.ReadOnly };
        try
        {
            // Opened for writing, never written: opening is the permission check.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
            result.Writable = true;
            result.Detail = "opened for writing";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            result.Detail = e.Message;
        }

        return result;
    }
}
