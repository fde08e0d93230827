using Docker.DotNet.Models;
using Version = System.Version;

namespace SandboxBuild.Engine;

/// <summary>
/// Read-only binds stay read-only below their top: a folder mounted inside the source on the host (a tmpfs, a
/// second disk) is bound along with it, and older engines make only the top mount read-only. From API 1.44
/// (Docker 25) the engine can make the whole tree read-only and, forced, refuses to start when the kernel cannot
/// (before 5.12); below 1.44 the option does not exist, and the in-sandbox probe's mount check (SBX1403) is
/// what catches a writable sub-mount.
/// </summary>
public static class RecursiveReadOnly
{
    public static readonly Version FirstApi = new(1, 44);

    public static bool Supported(Version api) => api >= FirstApi;

    /// <summary>Forces every read-only bind of the request to be recursively read-only where the engine can.</summary>
    public static CreateContainerParameters Apply(CreateContainerParameters parameters, Version api)
    {
        if (!Supported(api))
        {
            return parameters; // engines below 1.44 refuse the field (Docker 25+ answers 400 to such a request)
        }

        foreach (var mount in parameters.HostConfig?.Mounts ?? [])
        {
            if (mount.Type == "bind" && mount.ReadOnly == true)
            {
                mount.BindOptions ??= new BindOptions();
                mount.BindOptions.ReadOnlyNonRecursive = false;
                mount.BindOptions.ReadOnlyForceRecursive = true;
            }
        }

        return parameters;
    }
}
