using System.Text.Json;
using SandboxBuild.Diagnostics;
using SandboxBuild.Host;

namespace SandboxBuild.Runs;

/// <summary>
/// Restores packages on the host before the sandbox starts: the only phase that may use the network. The
/// package folders it used (read from the assets files it wrote) are then mounted into the sandbox read-only.
/// </summary>
public static class HostRestore
{
    public static async Task RunAsync(string sourceDirectory, string? target, IReadOnlyList<string> arguments, ISandboxLog log, CancellationToken cancellationToken)
    {
        var restoreArguments = new List<string> { "restore" };
        if (target is not null)
        {
            restoreArguments.Add(target);
        }

        restoreArguments.AddRange(arguments);
        log.Info($"Restoring on the host (the only phase with network): dotnet {string.Join(' ', restoreArguments)}");
        var output = new List<string>();
        var exit = await ProcessRunner.RunAsync("dotnet", restoreArguments, line =>
        {
            output.Add(line);
            log.Detail(line);
        }, cancellationToken, sourceDirectory, new Dictionary<string, string?> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });

        if (exit != 0)
        {
            foreach (var line in output.TakeLast(30))
            {
                log.Info(line);
            }

            throw new SandboxException(Codes.RestoreFailed, $"dotnet restore exited with {exit}.");
        }
    }

    /// <summary>The package folders named by the assets files under the source folder; the default cache when there are none.</summary>
    public static IReadOnlyList<string> PackageFolders(string sourceDirectory)
    {
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var assets in AssetsFiles(sourceDirectory))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(assets));
                if (document.RootElement.TryGetProperty("packageFolders", out var packageFolders))
                {
                    foreach (var folder in packageFolders.EnumerateObject())
                    {
                        folders.Add(folder.Name.TrimEnd('/'));
                    }
                }
            }
            catch (JsonException)
            {
                // A broken assets file fails the build inside, with the SDK's own message.
            }
        }

        if (folders.Count == 0)
        {
            var fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
                ? configured
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            if (Directory.Exists(fallback))
            {
                folders.Add(fallback.TrimEnd('/'));
            }
        }

        return folders.Where(Directory.Exists).ToArray();
    }

    private static IEnumerable<string> AssetsFiles(string root)
    {
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            var assets = Path.Combine(directory, "obj", "project.assets.json");
            if (File.Exists(assets))
            {
                yield return assets;
            }

            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(directory);
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var child in children)
            {
                var name = Path.GetFileName(child);
                if (name is not ("bin" or "obj" or ".git" or "node_modules" or "TestResults") && new DirectoryInfo(child).LinkTarget is null)
                {
                    pending.Push(child);
                }
            }
        }
    }
}
