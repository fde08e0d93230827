namespace SandboxBuild.Engine;

/// <summary>
/// Turns a path this process sees into the path the engine's host sees. They are the same for the CLI; in
/// the GitHub Action this process runs in a container, so /github/workspace is really some folder of the
/// runner, found by inspecting our own container's mounts.
/// </summary>
public interface IHostPaths
{
    string ToHost(string localPath);
}

public sealed class IdentityHostPaths : IHostPaths
{
    public static IdentityHostPaths Instance { get; } = new();

    public string ToHost(string localPath) => Path.GetFullPath(localPath);
}

/// <summary>Maps paths under each of our own container's bind mounts to the mount's source on the host.</summary>
public sealed class MountedHostPaths(IReadOnlyList<(string ContainerPath, string HostPath)> mounts) : IHostPaths
{
    public string ToHost(string localPath)
    {
        var full = Path.GetFullPath(localPath);
        var best = mounts
            .Where(m => full == m.ContainerPath || full.StartsWith(m.ContainerPath.TrimEnd('/') + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.ContainerPath.Length)
            .Cast<(string ContainerPath, string HostPath)?>()
            .FirstOrDefault();
        if (best is not { } mount)
        {
            throw new Diagnostics.SandboxException(Diagnostics.Codes.ActionEnvironment,
                $"'{full}' is not on any folder mounted from the runner, so the sandbox cannot be given it.",
                "Keep the workspace, the output folder and the package cache under /github/workspace or /github/home.");
        }

        return mount.HostPath.TrimEnd('/') + full[mount.ContainerPath.TrimEnd('/').Length..];
    }
}
