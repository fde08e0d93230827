namespace SandboxBuild.PackageTests.Matrix;

/// <summary>
/// The repositories of the compatibility matrix: shapes real .NET repositories have, each small (the larger
/// generated solution is build/gen-solution.sh's, the same one build/bench.sh measures). Every case references
/// SandboxBuild from its test projects, so `dotnet test` runs sandboxed through the package.
/// </summary>
public static class MatrixCases
{
    public static readonly string[] Names = ["sln", "slnx", "central-packages", "outside-references", "minver", "owner-uid-1001", "private-files", "long-non-ascii-paths", "generated-10-projects"];

    /// <param name="workspace">An empty folder with the package workspace's NuGet.Config.</param>
    public static MatrixRepository Create(string name, string workspace, string sandboxBuildVersion)
    {
        var reference = $"""    <PackageReference Include="SandboxBuild" Version="{sandboxBuildVersion}" />""";
        switch (name)
        {
            case "sln":
            case "slnx":
                Generate(workspace, sandboxBuildVersion, "--projects", "4", "--tests", "7", "--format", name);
                return new MatrixRepository(workspace, 7);
            case "generated-10-projects":
                Generate(workspace, sandboxBuildVersion, "--projects", "10", "--tests", "200", "--format", "sln");
                return new MatrixRepository(workspace, 200);
            case "central-packages":
            {
                var repository = new MatrixRepository(workspace, 3);
                repository.Write("Directory.Packages.props", $"""
                    <Project>
                      <PropertyGroup>
                        <ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally>
                      </PropertyGroup>
                      <ItemGroup>
                        <PackageVersion Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                        <PackageVersion Include="xunit" Version="2.9.3" />
                        <PackageVersion Include="xunit.runner.visualstudio" Version="3.1.5" />
                        <PackageVersion Include="SandboxBuild" Version="{sandboxBuildVersion}" />
                      </ItemGroup>
                    </Project>
                    """);
                var unversioned = MatrixRepository.TestPackages.Replace(" Version=\"18.0.1\"", "").Replace(" Version=\"2.9.3\"", "").Replace(" Version=\"3.1.5\"", "");
                repository.WriteLibraryAndTests("src/Cpm.Lib", "Cpm.Lib", "tests/Cpm.Lib.Tests", "Cpm.Lib.Tests", 3,
                    "    <PackageReference Include=\"SandboxBuild\" />\n    <ProjectReference Include=\"../../src/Cpm.Lib/Cpm.Lib.csproj\" />", unversioned);
                Solution(workspace, "Cpm", "src/Cpm.Lib/Cpm.Lib.csproj", "tests/Cpm.Lib.Tests/Cpm.Lib.Tests.csproj");
                return repository;
            }

            case "outside-references":
            {
                // The test project sits deep in its own tree and reaches up and across: a project, a shared
                // project and a linked source file, all outside its folder.
                var repository = new MatrixRepository(workspace, 4);
                repository.Write("shared/Common/Common.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n");
                repository.Write("shared/Common/Greeting.cs", "namespace Common;\n\npublic static class Greeting\n{\n    public static string Hello => \"hello\";\n}\n");
                repository.Write("shared/Linked/Constants.cs", "namespace Linked;\n\ninternal static class Constants\n{\n    public const int Answer = 42;\n}\n");
                repository.WriteLibraryAndTests("src/Out.Lib", "Out.Lib", "tests/unit/deep/Out.Lib.Tests", "Out.Lib.Tests", 2,
                    $"{reference}\n    <ProjectReference Include=\"../../../../src/Out.Lib/Out.Lib.csproj\" />\n    <ProjectReference Include=\"../../../../shared/Common/Common.csproj\" />\n    <Compile Include=\"../../../../shared/Linked/Constants.cs\" Link=\"Linked/Constants.cs\" />");
                repository.Write("tests/unit/deep/Out.Lib.Tests/OutsideTests.cs",
                    "namespace Out.Lib.Tests;\n\npublic class OutsideTests\n{\n    [Fact]\n    public void Shared_project() => Assert.Equal(\"hello\", Common.Greeting.Hello);\n\n    [Fact]\n    public void Linked_file() => Assert.Equal(42, Linked.Constants.Answer);\n}\n");
                Solution(workspace, "Out", "src/Out.Lib/Out.Lib.csproj", "shared/Common/Common.csproj", "tests/unit/deep/Out.Lib.Tests/Out.Lib.Tests.csproj");
                return repository;
            }

            case "minver":
            {
                // Versioned from a git tag by MinVer, which runs `git` inside the sandbox: the tests see the tag.
                var repository = new MatrixRepository(workspace, 2);
                repository.Write("src/Tagged/Tagged.csproj", """
                    <Project Sdk="Microsoft.NET.Sdk">
                      <PropertyGroup>
                        <TargetFramework>net10.0</TargetFramework>
                      </PropertyGroup>
                      <ItemGroup>
                        <PackageReference Include="MinVer" Version="8.0.0" PrivateAssets="all" />
                      </ItemGroup>
                    </Project>
                    """);
                repository.Write("src/Tagged/Marker.cs", "namespace Tagged;\n\npublic static class Marker;\n");
                repository.WriteLibraryAndTests("src/Plain", "Plain", "tests/Tagged.Tests", "Tagged.Tests", 1,
                    $"{reference}\n    <ProjectReference Include=\"../../src/Tagged/Tagged.csproj\" />\n    <ProjectReference Include=\"../../src/Plain/Plain.csproj\" />");
                repository.Write("tests/Tagged.Tests/VersionTests.cs", """
                    using System.Reflection;

                    namespace Tagged.Tests;

                    public class VersionTests
                    {
                        [Fact]
                        public void The_version_comes_from_the_git_tag() =>
                            Assert.StartsWith("2.3.4+", typeof(Tagged.Marker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion);
                    }
                    """);
                repository.Write(".gitignore", "bin/\nobj/\nsandbox-output/\n");
                Solution(workspace, "Tagged", "src/Tagged/Tagged.csproj", "src/Plain/Plain.csproj", "tests/Tagged.Tests/Tagged.Tests.csproj");
                MatrixRepository.Run(workspace, "git", "init", "-q");
                MatrixRepository.Run(workspace, "git", "add", "-A");
                MatrixRepository.Run(workspace, "git", "-c", "user.email=matrix@example.invalid", "-c", "user.name=matrix", "commit", "-q", "-m", "initial");
                MatrixRepository.Run(workspace, "git", "tag", "2.3.4");
                return repository;
            }

            case "owner-uid-1001":
                // A CI checkout (GitHub's runner user is uid 1001): neither root nor the sandbox's own uid.
                Generate(workspace, sandboxBuildVersion, "--projects", "2", "--tests", "3", "--format", "sln");
                MatrixRepository.Run(workspace, "chown", "-R", "1001:1001", workspace);
                return new MatrixRepository(workspace, 3);
            case "private-files":
            {
                // A developer's checkout: a 0600 .env with a secret, owned by root, and a 0600 file in git's
                // pack folder (as a partial clone leaves). The build needs neither; the sandbox never sees them.
                Generate(workspace, sandboxBuildVersion, "--projects", "2", "--tests", "3", "--format", "sln");
                var repository = new MatrixRepository(workspace, 3);
                MatrixRepository.Run(workspace, "git", "init", "-q");
                repository.Write(".env", "API_KEY=sk-do-not-leak-0123456789abcdef\n");
                File.SetUnixFileMode(Path.Combine(workspace, ".env"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                repository.Write(".git/objects/pack/pack-0000.promisor", "partial clone\n");
                File.SetUnixFileMode(Path.Combine(workspace, ".git/objects/pack/pack-0000.promisor"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                return repository;
            }

            case "long-non-ascii-paths":
            {
                // Non-ASCII and spaces in the checkout's own path and in project folders, and a test project
                // folder name of 150 characters.
                var root = Path.Combine(workspace, "Ünïcødé 测试 ordner");
                Directory.CreateDirectory(root);
                File.Copy(Path.Combine(workspace, "NuGet.Config"), Path.Combine(root, "NuGet.Config"));
                var repository = new MatrixRepository(root, 2);
                var longFolder = "Tests." + new string('L', 130) + ".Ünïcødé.测试";
                repository.WriteLibraryAndTests("src/Bibliothèque 测试", "Bibliotheque", $"tests/{longFolder}", "Bibliotheque.Tests", 2,
                    $"{reference}\n    <ProjectReference Include=\"../../src/Bibliothèque 测试/Bibliotheque.csproj\" />");
                Solution(root, "Unicode", "src/Bibliothèque 测试/Bibliotheque.csproj", $"tests/{longFolder}/Bibliotheque.Tests.csproj");
                return repository;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such matrix case");
        }
    }

    private static void Generate(string workspace, string version, params string[] options) =>
        MatrixRepository.Run(workspace, "bash", [Path.Combine(Repository.Root, "build", "gen-solution.sh"), workspace, "--sandboxbuild", version, .. options]);

    private static void Solution(string root, string name, params string[] projects)
    {
        MatrixRepository.Run(root, "dotnet", "new", "sln", "-n", name, "--format", "sln");
        MatrixRepository.Run(root, "dotnet", ["sln", $"{name}.sln", "add", .. projects]);
    }
}
