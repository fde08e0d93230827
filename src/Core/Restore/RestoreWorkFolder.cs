using SandboxBuild.Engine;
using SandboxBuild.Host;

namespace SandboxBuild.Restore;

/// <summary>
/// A restore's short-lived folders under the repository's state folder: `proxy/` (the relay's socket, mounted
/// read-only) and `config/` (the trusted NuGet.Config with any feed credentials, and the CA bundle, mounted
/// read-only). Readable by the restore sandbox's user alone where we can arrange it; removed after the restore.
/// </summary>
internal sealed class RestoreWorkFolder : IDisposable
{
    private RestoreWorkFolder(string path) => Path = path;

    public string Path { get; }

    public string Proxy => System.IO.Path.Combine(Path, "proxy");

    public string Config => System.IO.Path.Combine(Path, "config");

    public static RestoreWorkFolder Create(string cacheRoot, string runId, int? uid, int? gid, string nugetConfig, string? certificates)
    {
        var folder = new RestoreWorkFolder(System.IO.Path.Combine(cacheRoot, $"run-{runId}"));
        Directory.CreateDirectory(folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(folder.Proxy);
        Directory.CreateDirectory(folder.Config);
        File.WriteAllText(System.IO.Path.Combine(folder.Config, RestoreLayout.ConfigFileName), nugetConfig);
        if (certificates is not null)
        {
            File.WriteAllText(System.IO.Path.Combine(folder.Config, RestoreLayout.CertificatesFileName), certificates);
        }

        var own = NativeHost.EffectiveUserId == 0 && uid is { } u;
        foreach (var file in Directory.EnumerateFiles(folder.Config))
        {
            // The config may hold feed credentials: the sandbox's user alone reads it (or, when we cannot give
            // it away, anyone who can pass our private parent folder: nobody but us and the sandbox).
            if (own)
            {
                NativeHost.TryChown(file, uid!.Value, gid ?? uid.Value);
            }

            File.SetUnixFileMode(file, own || uid == NativeHost.EffectiveUserId ? UnixFileMode.UserRead : UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(folder.Proxy, readable);
        File.SetUnixFileMode(folder.Config, readable);
        return folder;
    }

    /// <summary>Removes the trusted config (it may hold a feed credential) as soon as the restore sandbox is gone.</summary>
    public void RemoveConfig() => Remove(Config);

    public void Dispose() => Remove(Path);

    private static void Remove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Every entry is in folders we own (the sandbox only read them), so this does not happen in practice;
            // if it does, the folder stays inside the private state folder, where the next prune finds it.
        }
    }
}
