using Docker.DotNet.Models;

namespace SandboxBuild.Engine;

/// <summary>
/// Deletes a folder's contents as the sandbox's own user, in a short-lived container with nothing else:
/// for files a sandbox wrote that the host user may not delete (a root-less host user, a 0500 folder).
/// </summary>
public static class FolderCleaner
{
    public static async Task EmptyAsync(EngineConnection engine, string image, string user, string hostPath)
    {
        var cleaner = await EngineException.Wrap(() => engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            User = user,
            Entrypoint = ["/bin/rm", "-rf", "/folder/contents"],
            Labels = new Dictionary<string, string>
            {
                [SandboxLabels.Managed] = "true",
                [SandboxLabels.Kind] = "cleaner",
                [SandboxLabels.Owner] = SandboxLabels.CurrentOwner(),
                [SandboxLabels.Expires] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges:true"],
                ReadonlyRootfs = true,
                Mounts = [new Mount { Type = "bind", Source = hostPath, Target = "/folder/contents" }],
            },
        }), "create a cleaner");
        try
        {
            await EngineException.Wrap(() => engine.Client.Containers.StartContainerAsync(cleaner.ID, new ContainerStartParameters()), "start a cleaner");
            await EngineException.Wrap(() => engine.Client.Containers.WaitContainerAsync(cleaner.ID), "wait for a cleaner");
        }
        finally
        {
            await Janitor.RemoveAsync(engine, cleaner.ID);
        }
    }
}
