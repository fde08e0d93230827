using SandboxBuild.Host;

namespace SandboxBuild.IntegrationTests;

/// <summary>Makes a folder a shared mount point (as root), so a sandbox can be given a propagating mount of it.</summary>
internal static class SharedMount
{
    public static async Task MakeAsync(string path)
    {
        await RunAsync("mount", "--bind", path, path);
        await RunAsync("mount", "--make-shared", path);
    }

    public static Task RemoveAsync(string path) => RunAsync("umount", "-l", path);

    private static async Task RunAsync(params string[] arguments)
    {
        var output = new List<string>();
        var exit = await ProcessRunner.RunAsync(arguments[0], arguments[1..], output.Add, CancellationToken.None);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', arguments)} failed ({exit}): {string.Join('\n', output)}. This test runs as root, as CI does.");
        }
    }
}
