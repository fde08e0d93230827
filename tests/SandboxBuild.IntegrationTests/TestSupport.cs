using System.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.IntegrationTests;

/// <summary>A folder for one test, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    /// <summary>An existing folder (a runner's workspace) to write into; it is not removed by this object.</summary>
    public static TempFolder Existing(string path) => new(path, owned: false);

    private TempFolder(string path, bool owned)
    {
        Path = path;
        _owned = owned;
    }

    private readonly bool _owned = true;

    public TempFolder(string prefix = "sandboxbuild-it-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        // Like a checkout: readable by the sandbox's own user (temporary folders start private).
        File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var file = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
        return file;
    }

    /// <summary>
    /// A state folder of its own (SANDBOXBUILD_STATE_DIR) that knows the baked image: the record `bake` wrote is
    /// copied in, since the image is used only by its recorded ID.
    /// </summary>
    public static TempFolder State()
    {
        var folder = new TempFolder("sandboxbuild-state-");
        if (File.Exists(BakedImageRecord.FilePath))
        {
            File.Copy(BakedImageRecord.FilePath, System.IO.Path.Combine(folder.Path, BakedImageRecord.FileName));
        }

        return folder;
    }

    /// <summary>A copy of samples/SampleApp without build outputs, so tests never touch the repository's copy.</summary>
    public static TempFolder SampleCopy()
    {
        var folder = new TempFolder("sandboxbuild-sample-");
        var sample = System.IO.Path.Combine(Repository.Root, "samples", "SampleApp");
        foreach (var file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories))
        {
            var relative = System.IO.Path.GetRelativePath(sample, file);
            if (relative.Split('/').Any(p => p is "bin" or "obj" or "sandbox-output" or "TestResults"))
            {
                continue;
            }

            var target = System.IO.Path.Combine(folder.Path, relative);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        // The sample's local feed (the package build/pack.sh made) is relative to the repository.
        var config = System.IO.Path.Combine(folder.Path, "NuGet.Config");
        File.WriteAllText(config, File.ReadAllText(config).Replace("../../artifacts/", System.IO.Path.Combine(Repository.Root, "artifacts") + "/", StringComparison.Ordinal));
        return folder;
    }

    public void Dispose()
    {
        if (!_owned)
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "SandboxBuild.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}

internal sealed record CliResult(int ExitCode, string StdOut, string StdErr)
{
    public string All => StdOut + StdErr;
}

/// <summary>Runs the real `sandboxbuild` CLI as a user would, in its own process.</summary>
internal static class Cli
{
    /// <summary>The feeds build/sandboxbuild.sh trusts: nuget.org (only this host reaches it) and the package this repository builds.</summary>
    public static string TrustedFeeds => $"https://api.nuget.org/v3/index.json;{System.IO.Path.Combine(Repository.Root, "artifacts", "packages")}";

    public static async Task<CliResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null,
        TimeSpan? timeLimit = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        start.ArgumentList.Add(EngineFixture.Cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SANDBOXBUILD_PULL"] = "never";
        // The restore sandbox takes packages from trusted feeds only: nuget.org and the sample's local feed.
        start.Environment["SANDBOXBUILD_FEEDS"] = TrustedFeeds;
        start.Environment.Remove("GITHUB_ACTIONS");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(timeLimit ?? TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A run past its time is a failure, and must not outlive the test: its sandbox is cleaned by the janitor.
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}

internal static class Leftovers
{
    /// <summary>Containers SandboxBuild made for this source folder that still exist.</summary>
    public static async Task<int> CountAsync(EngineConnection engine, string source) =>
        (await Janitor.ListAsync(engine, [$"{SandboxLabels.Repo}={SandboxLabels.RepoId(source)}"], CancellationToken.None)).Count;
}

/// <summary>The gate as `validate` runs it: the run pipeline proving a fresh sandbox, optionally weakened for real.</summary>
internal static class Proving
{
    public static async Task<SandboxBuild.Validation.ValidationReport> ValidateAsync(
        EngineFixture fixture, string source, SandboxCustomization? weaken = null, System.Net.IPAddress? listenAddress = null, string? image = null)
    {
        var result = await new SandboxBuild.Runs.RunPipeline(EngineFixture.QuietLog).RunAsync(new SandboxBuild.Runs.RunRequest
        {
            SourceDirectory = source,
            Purpose = SandboxBuild.Runs.RunPurpose.Prove,
            Overrides = new SandboxBuild.Policy.PolicyOverrides { Image = image ?? fixture.Image.Reference },
            Customize = weaken,
            ListenAddress = listenAddress,
        }, CancellationToken.None);
        return result.Validation ?? throw new InvalidOperationException($"The run ended before the gate: {result.Outcome} {result.FailureCode?.Id}");
    }
}
