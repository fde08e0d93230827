using SandboxBuild.Diagnostics;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests.BuildLogic;

/// <summary>Packages the lock files pin and MSBuild SDKs: a bump, a changed content hash, changed build assets; no lock file is said plainly.</summary>
public sealed class BuildLogicPackageTests
{
    [Fact]
    public void Bumping_a_package_that_ships_build_assets_fails_naming_the_package_and_its_assets()
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.Write("Directory.Packages.props", "<Project><ItemGroup><PackageVersion Include=\"Foo\" Version=\"2.0.0\" /></ItemGroup></Project>");
        repository.Write("src/App/packages.lock.json", SampleRepository.Lock("2.0.0", "BBBB"));

        var report = repository.Judge();

        Assert.Equal(["SBX2401 Directory.Packages.props", "SBX2401 src/App/packages.lock.json", "SBX2404 package Foo"], report.Failed());
        var bump = report.Failures.Single(f => f.Code == Codes.BuildLogicPackageChanged);
        Assert.Equal("now 2.0.0 (build assets in build/)", bump.Seen);
        Assert.Equal("1.0.0 as recorded", bump.Expected);
        Assert.Equal(Path.Combine(repository.Root, "src/App/packages.lock.json"), bump.Location?.File);
    }

    [Fact]
    public void The_same_version_with_another_content_hash_fails()
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.Write("src/App/packages.lock.json", SampleRepository.Lock("1.0.0", "CCCC"));

        var report = repository.Judge();

        Assert.Equal(["SBX2401 src/App/packages.lock.json", "SBX2404 package Foo 1.0.0"], report.Failed());
    }

    [Fact]
    public void Changed_build_assets_under_the_same_version_fail()
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.WritePackage("Foo", "1.0.0", "buildTransitive/Foo.targets", "<Project><Target Name=\"Evil\" /></Project>");

        var report = repository.Judge();

        var finding = Assert.Single(report.Failures);
        Assert.Equal(Codes.BuildLogicPackageAssetsChanged, finding.Code);
        Assert.Equal("package Foo/1.0.0", finding.Subject);
        Assert.StartsWith("build assets in build/, buildTransitive/", finding.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_assets_not_restored_where_the_gate_runs_are_not_a_change()
    {
        using var repository = new SampleRepository();
        repository.Record();

        var report = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Judge(repository.Root, repository.RecordFile, repository.Options with { PackagesFolder = null }).Report;

        Assert.True(report.Passed, string.Join("\n", report.Failed()));
    }

    [Fact]
    public void An_msbuild_sdk_bump_fails()
    {
        using var repository = new SampleRepository();
        repository.Write("global.json", "{ \"msbuild-sdks\": { \"Microsoft.Build.NoTargets\": \"3.7.0\" } }");
        repository.Write("tools/Tools.proj", "<Project Sdk=\"Microsoft.Build.Traversal/4.1.0\" />");
        repository.Record();
        repository.Write("global.json", "{ \"msbuild-sdks\": { \"Microsoft.Build.NoTargets\": \"3.7.1\" } }");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 global.json", "SBX2404 package Microsoft.Build.NoTargets"], report.Failed());
    }

    [Fact]
    public void Projects_without_a_lock_file_are_a_warning_that_says_what_cannot_be_known()
    {
        using var repository = new SampleRepository();
        repository.Delete("tests/App.Tests/packages.lock.json");
        repository.Record();

        var report = repository.Judge();

        Assert.True(report.Passed);
        var warning = Assert.Single(report.Findings, f => f.Status == CheckStatus.Warn);
        Assert.Equal(Codes.BuildLogicNoLockFile, warning.Code);
        Assert.Contains("1 of 2 projects without packages.lock.json (tests/App.Tests/App.Tests.csproj)", warning.Seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[\".dotnet\", \"$host$\"]", true)]
    [InlineData("[\"/opt/other-sdk\"]", false)]
    public void An_sdk_from_a_folder_the_repository_chooses_is_refused(string paths, bool createFolder)
    {
        using var repository = new SampleRepository();
        repository.Write("global.json", $"{{ \"sdk\": {{ \"version\": \"10.0.100\", \"paths\": {paths} }} }}");
        if (createFolder)
        {
            repository.Write(".dotnet/sdk/10.0.100/dotnet.dll", "MZ");
        }

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.Equal(["SBX2412 global.json sdk.paths"], report.Failed());
    }

    [Fact]
    public void An_sdk_path_inside_the_repository_that_does_not_exist_passes()
    {
        using var repository = new SampleRepository();
        repository.Write("global.json", "{ \"sdk\": { \"version\": \"10.0.100\", \"paths\": [\".dotnet\", \"$host$\"] } }");

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.True(report.Passed, string.Join("\n", report.Failed()));
    }
}
