using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Host;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>
/// The one host folder a sandbox may write: fresh for each run, inside a private (0700) state folder the
/// sandbox never sees, and never a folder the host builds from. The collector publishes from it after the
/// sandbox has stopped; then it is removed.
/// </summary>
public sealed class OutputMount
{
    private OutputMount(string path) => Path = path;

    public string Path { get; }

    public static OutputMount Create(StatePaths state, string runId, SandboxPolicy policy)
    {
        var runFolder = state.RunFolder(runId);
        StatePaths.CreatePrivate(runFolder);
        var path = System.IO.Path.Combine(runFolder, "out");
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
    public async Task RemoveAsync(EngineConnection engine, SandboxPolicy policy, ISandboxLog log)
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
            var cleaner = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = policy.Image,
                User = policy.User,
                Entrypoint = ["/bin/rm", "-rf", "/run-folder/out"],
                Labels = new Dictionary<string, string> { [SandboxLabels.Managed] = "true", [SandboxLabels.Kind] = "cleaner" },
                HostConfig = new HostConfig
                {
                    NetworkMode = "none",
                    CapDrop = ["ALL"],
                    SecurityOpt = ["no-new-privileges:true"],
                    ReadonlyRootfs = true,
                    Mounts = [new Mount { Type = "bind", Source = Path, Target = "/run-folder/out" }],
                },
            });
            await engine.Client.Containers.StartContainerAsync(cleaner.ID, new ContainerStartParameters());
            await engine.Client.Containers.WaitContainerAsync(cleaner.ID);
            await engine.Client.Containers.RemoveContainerAsync(cleaner.ID, new ContainerRemoveParameters { Force = true });
            Directory.Delete(runFolder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Docker.DotNet.DockerApiException)
        {
            log.Warning(Codes.ArtifactUnreadable, $"The run's private output folder could not be removed: {e.Message}");
        }
    }
}
