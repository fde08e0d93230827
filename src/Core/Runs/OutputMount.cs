using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Host;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>
/// The one host folder a sandbox may write: fresh for each run, inside a private (0700) state folder the
/// sandbox never sees, and never a folder the host builds from. The collector publishes from it after the
/// sandbox has stopped (or while it is frozen); then it is removed.
/// </summary>
public sealed class OutputMount
{
    private OutputMount(string path) => Path = path;

    public string Path { get; }

    /// <summary>Where the output folder of a run (or a warm session) is: state/runs/NAME/out.</summary>
    public static string PathFor(StatePaths state, string name) => System.IO.Path.Combine(state.RunFolder(name), "out");

    public static OutputMount Create(StatePaths state, string name, SandboxPolicy policy)
    {
        StatePaths.CreatePrivate(state.RunFolder(name));
        var path = PathFor(state, name);
        Directory.CreateDirectory(path);

        // The sandbox user must be able to write it. As root we hand the fresh, empty folder over; otherwise it
        // is opened to all, which is safe only because its parent is private to us.
        var (uid, gid) = SandboxSpec.NumericUser(policy.User);
        if (!(Environment.IsPrivilegedProcess && uid is { } u && NativeHost.TryChown(path, u, gid ?? u)))
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        }

        return new OutputMount(path);
    }

    /// <summary>Removes the folder; what the host user may not delete is removed by a short-lived sandbox of the same user.</summary>
    public async Task RemoveAsync(EngineConnection engine, SandboxPolicy policy, IHostPaths hostPaths, ISandboxLog log)
    {
        var runFolder = System.IO.Path.GetDirectoryName(Path)!;
        try
        {
            Directory.Delete(runFolder, recursive: true);
            return;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Detail($"removing the output folder through the engine: {e.Message}");
        }

        try
        {
            await FolderCleaner.EmptyAsync(engine, policy.Image, policy.User, hostPaths.ToHost(Path));
            Directory.Delete(runFolder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning(Codes.ArtifactUnreadable, $"The run's private output folder could not be removed: {e.Message}");
        }
    }
}
