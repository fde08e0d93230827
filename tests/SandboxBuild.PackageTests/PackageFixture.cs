using System.Diagnostics;

namespace SandboxBuild.PackageTests;

/// <summary>
/// Packs the real SandboxBuild nupkg once (a unique version, so no cache can serve an old one) and makes a
/// template workspace a user would: `dotnet new` projects, a NuGet.Config with &lt;clear/&gt;, a private
/// NUGET_PACKAGES folder, and the package added with `dotnet add package`. Each test works on a copy.
/// </summary>
public sealed class PackageFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<PackageFixture.State>> Shared = new(PrepareAsync);

    public sealed record State(string Feed, string Package, string Version, string Packages, string Template);

    public State Prepared { get; private set; } = null!;

    public async Task InitializeAsync() => Prepared = await Shared.Value;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A fresh copy of the template workspace for one test.</summary>
    public string NewWorkspace()
    {
        var target = Directory.CreateTempSubdirectory("sandboxbuild-pkg-").FullName;
        File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        foreach (var file in Directory.EnumerateFiles(Prepared.Template, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Prepared.Template, file);
            if (relative.Split('/').Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        return target;
    }

    /// <summary>Runs dotnet as a user would, with the private package folder and no registry pulls.</summary>
    public Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        Run(workingDirectory, Prepared.Packages, environment, arguments);

    private static async Task<State> PrepareAsync()
    {
        var root = Repository.Root;
        var work = Directory.CreateTempSubdirectory("sandboxbuild-pkgfixture-").FullName;
        File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
        var feed = Path.Combine(work, "feed");
        var packages = Path.Combine(work, "packages");
        var template = Path.Combine(work, "template");
        var version = $"1.0.0-e2e.{DateTime.UtcNow:yyyyMMddHHmmss}";

        await Check(Run(root, null, null, "pack", Path.Combine(root, "src", "Tasks", "SandboxBuild.Tasks.csproj"), "-c", "Release", "-o", feed, $"-p:Version={version}", "-nologo"));
        var package = Path.Combine(feed, $"SandboxBuild.{version}.nupkg");

        Directory.CreateDirectory(template);
        var hostCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(template, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="host-cache" value="{hostCache}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        await Check(Run(template, packages, null, "new", "sln", "-n", "App", "--format", "sln"));
        await Check(Run(template, packages, null, "new", "classlib", "-o", "App", "--framework", "net10.0"));
        await Check(Run(template, packages, null, "new", "xunit", "-o", "App.Tests", "--framework", "net10.0"));
        var testProject = Path.Combine(template, "App.Tests", "App.Tests.csproj");
        // The template names a runner version this machine's NuGet copy does not serve.
        File.WriteAllText(testProject, File.ReadAllText(testProject).Replace("\"3.1.4\"", "\"3.1.5\"", StringComparison.Ordinal));
        await Check(Run(template, packages, null, "sln", "add", "App/App.csproj", "App.Tests/App.Tests.csproj"));
        await Check(Run(template, packages, null, "add", "App.Tests/App.Tests.csproj", "reference", "App/App.csproj"));
        await Check(Run(template, packages, null, "add", "App.Tests/App.Tests.csproj", "package", "SandboxBuild", "--version", version));
        File.WriteAllText(Path.Combine(template, "App", "Calculator.cs"), "namespace App;\n\npublic static class Calculator\n{\n    public static int Add(int a, int b) => a + b;\n}\n");
        File.WriteAllText(Path.Combine(template, "App.Tests", "UnitTest1.cs"), """
            namespace App.Tests;

            public class CalculatorTests
            {
                [Fact]
                public void Adds() => Assert.Equal(3, App.Calculator.Add(1, 2));
            }
            """);
        return new State(feed, package, version, packages, template);
    }

    private static async Task<(int ExitCode, string Output)> Run(string directory, string? packages, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (packages is not null)
        {
            start.Environment["NUGET_PACKAGES"] = packages;
            // The restore sandbox's trusted feeds (a repository's NuGet.Config is not trusted): the packed package (next
            // to the package folder) and nuget.org.
            start.Environment["SANDBOXBUILD_FEEDS"] = $"{Path.Combine(Path.GetDirectoryName(packages)!, "feed")};https://api.nuget.org/v3/index.json";
        }

        start.Environment["SANDBOXBUILD_PULL"] = "never";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("GITHUB_ACTIONS");
        // The test host's own MSBuild settings must not leak into the user's build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.Ordinal) || k == "MSBuildExtensionsPath" || k == "MSBuildSDKsPath").ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static async Task Check(Task<(int ExitCode, string Output)> run)
    {
        var (exitCode, output) = await run;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Preparing the package workspace failed ({exitCode}):\n{output}");
        }
    }
}

internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SandboxBuild.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}
