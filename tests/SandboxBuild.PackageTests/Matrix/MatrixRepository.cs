using System.Diagnostics;

namespace SandboxBuild.PackageTests.Matrix;

/// <summary>One repository of the compatibility matrix, written to disk, with the number of tests it holds.</summary>
public sealed record MatrixRepository(string Root, int ExpectedTests)
{
    /// <summary>The test projects' packages, as the machine's NuGet copy serves them.</summary>
    public const string TestPackages = """
            <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
            <PackageReference Include="xunit" Version="2.9.3" />
            <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
        """;

    public void Write(string relative, string content)
    {
        var file = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, content);
    }

    /// <summary>Runs a program in the repository (git, chown, the generator) and fails the test if it fails.</summary>
    public static void Run(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {output.Result}{error.Result}");
        }
    }

    /// <summary>A library and its tests as plain files: `Lib` in <paramref name="libFolder"/>, `tests` tests in <paramref name="testFolder"/>.</summary>
    public void WriteLibraryAndTests(string libFolder, string libName, string testFolder, string testName, int tests, string testReferences, string? versions = TestPackages)
    {
        Write($"{libFolder}/{libName}.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
            </Project>
            """);
        Write($"{libFolder}/Calculator.cs", $"namespace {Namespace(libName)};\n\npublic static class Calculator\n{{\n    public static int Add(int a, int b) => a + b;\n}}\n");
        Write($"{testFolder}/{testName}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <IsPackable>false</IsPackable>
              </PropertyGroup>
              <ItemGroup>
                <Using Include="Xunit" />
            {versions}
            {testReferences}
              </ItemGroup>
            </Project>
            """);
        var facts = string.Concat(Enumerable.Range(1, tests).Select(t =>
            $"    [Fact]\n    public void Adds_{t}() => Assert.Equal({t + 1}, {Namespace(libName)}.Calculator.Add({t}, 1));\n\n"));
        Write($"{testFolder}/CalculatorTests.cs", $"namespace {Namespace(testName)};\n\npublic class CalculatorTests\n{{\n{facts}}}\n");
    }

    private static string Namespace(string name) => new(name.Select(c => char.IsLetterOrDigit(c) || c == '.' ? c : '_').ToArray());
}
