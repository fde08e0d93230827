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

    public sealed record State(string Feed, string Package, string Version, string Packages, string Template, string MtpTemplate);

    public State Prepared { get; private set; } = null!;

    public async Task InitializeAsync() => Prepared = await Shared.Value;

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A fresh copy of the template workspace for one test (VSTest mode: xunit).</summary>
    public string NewWorkspace() => Copy(Prepared.Template);

    /// <summary>
    /// A fresh copy of the Microsoft.Testing.Platform workspace: global.json selects MTP; xunit.v3 (X3), MSTest (MS,
    /// `dotnet new mstest`) and NUnit (NU, `dotnet new nunit` switched to its MTP runner) in Mtp.sln.
    /// </summary>
    public string NewMtpWorkspace() => Copy(Prepared.MtpTemplate);

    private static string Copy(string template)
    {
        var target = Directory.CreateTempSubdirectory("sandboxbuild-pkg-").FullName;
        File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        foreach (var file in Directory.EnumerateFiles(template, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(template, file);
            if (relative.Split('/').Any(p => p is "bin" or "obj"))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }

        return target;
    }

    /// <summary>An empty workspace with only the template's NuGet.Config (the local feed, the host cache).</summary>
    public string NewEmptyWorkspace()
    {
        var target = Directory.CreateTempSubdirectory("sandboxbuild-matrix-").FullName;
        File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
        File.Copy(Path.Combine(Prepared.Template, "NuGet.Config"), Path.Combine(target, "NuGet.Config"));
        return target;
    }

    /// <summary>Runs dotnet as a user would, with the private package folder and no registry pulls.</summary>
    public Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] arguments) =>
        Run(workingDirectory, Prepared.Packages, environment, arguments);

    /// <summary>The `sandboxbuild` CLI as the package ships it (extracted by the first restore into the private package folder).</summary>
    public Task<(int ExitCode, string Output)> CliAsync(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, Prepared.Packages, null, ["exec", Path.Combine(Prepared.Packages, "sandboxbuild", Prepared.Version.ToLowerInvariant(), "tools", "sandboxbuild", "sandboxbuild.dll"), .. arguments]);

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
        // A repository cannot turn the sandbox off by claiming to be inside it: this stays for every VSTest test.
        File.WriteAllText(Path.Combine(template, "Directory.Build.props"), "<Project>\n  <PropertyGroup>\n    <SANDBOXBUILD_INSIDE>1</SANDBOXBUILD_INSIDE>\n  </PropertyGroup>\n</Project>\n");
        File.WriteAllText(Path.Combine(template, "App", "Calculator.cs"), "namespace App;\n\npublic static class Calculator\n{\n    public static int Add(int a, int b) => a + b;\n}\n");
        File.WriteAllText(Path.Combine(template, "App.Tests", "UnitTest1.cs"), """
            namespace App.Tests;

            public class CalculatorTests
            {
                [Fact]
                public void Adds() => Assert.Equal(3, App.Calculator.Add(1, 2));
            }
            """);
        var mtp = await PrepareMtpAsync(work, packages, version, File.ReadAllText(Path.Combine(template, "NuGet.Config")));
        return new State(feed, package, version, packages, template, mtp);
    }

    // Package versions this machine's NuGet copy serves (checked when the tests were written).
    private static async Task<string> PrepareMtpAsync(string work, string packages, string version, string nugetConfig)
    {
        var template = Path.Combine(work, "mtp-template");
        Directory.CreateDirectory(template);
        File.WriteAllText(Path.Combine(template, "NuGet.Config"), nugetConfig);
        File.WriteAllText(Path.Combine(template, "global.json"), "{ \"test\": { \"runner\": \"Microsoft.Testing.Platform\" } }\n");
        // A repository cannot turn the sandbox off by claiming to be inside it: this stays for every MTP test.
        File.WriteAllText(Path.Combine(template, "Directory.Build.props"), "<Project>\n  <PropertyGroup>\n    <SANDBOXBUILD_INSIDE>1</SANDBOXBUILD_INSIDE>\n  </PropertyGroup>\n</Project>\n");
        await Check(Run(template, packages, null, "new", "sln", "-n", "Mtp", "--format", "sln"));

        Directory.CreateDirectory(Path.Combine(template, "X3"));
        File.WriteAllText(Path.Combine(template, "X3", "X3.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>Exe</OutputType>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="xunit.v3.mtp-v2" Version="3.2.2" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(template, "X3", "CalculatorTests.cs"), "using Xunit;\n\nnamespace X3;\n\npublic class CalculatorTests\n{\n    [Fact]\n    public void Adds() => Assert.Equal(3, 1 + 2);\n}\n");

        await Check(Run(template, packages, null, "new", "mstest", "-o", "MS", "--test-runner", "Microsoft.Testing.Platform", "--no-restore"));
        File.Delete(Path.Combine(template, "MS", "global.json")); // the repository's global.json decides, as in a real repository
        await Check(Run(template, packages, null, "new", "nunit", "-o", "NU", "--no-restore"));
        var nunit = Path.Combine(template, "NU", "NU.csproj");
        File.WriteAllText(nunit, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(nunit), "\\s*<PackageReference Include=\"(coverlet.collector|Microsoft.NET.Test.Sdk)\"[^>]*/>", "")
            .Replace("<IsPackable>false</IsPackable>", "<IsPackable>false</IsPackable>\n    <OutputType>Exe</OutputType>\n    <EnableNUnitRunner>true</EnableNUnitRunner>", StringComparison.Ordinal)
            .Replace("\"NUnit3TestAdapter\" Version=\"5.0.0\"", "\"NUnit3TestAdapter\" Version=\"5.2.0\"", StringComparison.Ordinal));
        foreach (var project in new[] { "X3/X3.csproj", "MS/MS.csproj", "NU/NU.csproj" })
        {
            await Check(Run(template, packages, null, "sln", "add", project));
            await Check(Run(template, packages, null, "add", project, "package", "SandboxBuild", "--version", version, "--no-restore"));
        }

        return template;
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
