namespace SandboxBuild.PackageTests.Matrix;

/// <summary>
/// The compatibility matrix: each repository shape runs `dotnet test` sandboxed for real, once through the
/// package (a PackageReference, plain `dotnet test`) and once through the CLI the package ships (`sandboxbuild
/// run`), and every test it holds is counted as passed inside. Two classes, so xunit runs two cases at a time;
/// all cases share the package fixture's restore folder.
/// </summary>
public abstract class CompatibilityMatrix(PackageFixture fixture)
{
    protected async Task RunCaseAsync(string name, string path)
    {
        var workspace = fixture.NewEmptyWorkspace();
        var repository = MatrixCases.Create(name, workspace, fixture.Prepared.Version);

        // On a shared engine the newest baked image may be anyone's; SANDBOXBUILD_MATRIX_IMAGE pins one.
        var image = Environment.GetEnvironmentVariable("SANDBOXBUILD_MATRIX_IMAGE") is { Length: > 0 } pinned ? pinned : null;
        var (exitCode, output) = path == "package"
            ? await fixture.DotnetAsync(repository.Root, null, ["test", .. image is null ? Array.Empty<string>() : [$"-p:SandboxImage={image}"]])
            : await fixture.CliAsync(repository.Root, ["run", "-C", repository.Root, .. image is null ? Array.Empty<string>() : ["--image", image]]);

        Assert.True(exitCode == 0, $"{name} through the {path} exited {exitCode}:\n{output}");
        Assert.Contains("Security gate PASSED", output, StringComparison.Ordinal);
        var counts = TestCounts.From(output);
        Assert.True(counts.Passed == repository.ExpectedTests && counts.Failed == 0,
            $"{name} through the {path}: expected {repository.ExpectedTests} passed, saw {counts}:\n{output}");
        if (name == "private-files")
        {
            Assert.Contains("warning SBX3401", output, StringComparison.Ordinal);
            Assert.Contains(".env", output, StringComparison.Ordinal);
            Assert.DoesNotContain("sk-do-not-leak", output, StringComparison.Ordinal);
        }

        Directory.Delete(workspace, recursive: true); // kept when the case fails, to look at
    }
}

public sealed class SolutionShapeMatrixTests(PackageFixture fixture) : CompatibilityMatrix(fixture), IClassFixture<PackageFixture>
{
    [Theory]
    [InlineData("sln", "package")]
    [InlineData("sln", "cli")]
    [InlineData("slnx", "package")]
    [InlineData("slnx", "cli")]
    [InlineData("central-packages", "package")]
    [InlineData("central-packages", "cli")]
    [InlineData("outside-references", "package")]
    [InlineData("outside-references", "cli")]
    [InlineData("generated-10-projects", "package")]
    [InlineData("generated-10-projects", "cli")]
    public Task Runs_sandboxed_with_every_test_counted(string name, string path) => RunCaseAsync(name, path);
}

public sealed class CheckoutMatrixTests(PackageFixture fixture) : CompatibilityMatrix(fixture), IClassFixture<PackageFixture>
{
    [Theory]
    [InlineData("minver", "package")]
    [InlineData("minver", "cli")]
    [InlineData("owner-uid-1001", "package")]
    [InlineData("owner-uid-1001", "cli")]
    [InlineData("private-files", "package")]
    [InlineData("private-files", "cli")]
    [InlineData("long-non-ascii-paths", "package")]
    [InlineData("long-non-ascii-paths", "cli")]
    public Task Runs_sandboxed_with_every_test_counted(string name, string path) => RunCaseAsync(name, path);
}
