namespace SandboxBuild.Tests.BuildLogic;

/// <summary>Files of any name the build logic names: followed statically; what cannot be followed is a finding.</summary>
public sealed class BuildLogicReferenceTests
{
    [Fact]
    public void An_oddly_named_imported_file_is_build_logic_and_so_is_what_it_imports()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.targets", "<Project><Import Project=\"eng/hooks.txt\" /></Project>");
        repository.Write("eng/hooks.txt", "<Project><Import Project=\"$(MSBuildThisFileDirectory)deeper.inc\" /></Project>");
        repository.Write("eng/deeper.inc", "<Project />");
        repository.Record();
        repository.Write("eng/deeper.inc", "<Project><Target Name=\"Steal\" BeforeTargets=\"Restore\" /></Project>");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 eng/deeper.inc"], report.Failed());
    }

    [Fact]
    public void Adding_an_import_of_an_oddly_named_file_fails_on_both_files()
    {
        using var repository = new SampleRepository();
        repository.Record();
        repository.Write("Directory.Build.props", "<Project><Import Project=\"docs\\notes.md\" /></Project>");
        repository.Write("docs/notes.md", "<Project />");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 Directory.Build.props", "SBX2402 docs/notes.md"], report.Failed());
    }

    [Fact]
    public void A_file_an_approved_import_names_but_that_did_not_exist_fails_when_it_appears()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.props", "<Project><Import Project=\"local.settings\" Condition=\"Exists('local.settings')\" /><Import Project=\"eng/*.inc\" /></Project>");
        repository.Record();
        repository.Write("local.settings", "<Project />");
        repository.Write("eng/new.inc", "<Project />");

        var report = repository.Judge();

        Assert.Equal(["SBX2402 eng/new.inc", "SBX2402 local.settings"], report.Failed());
    }

    [Theory]
    [InlineData("<Import Project=\"$(HookFile)\" />", "$(HookFile)")]
    [InlineData("<Import Project=\"$(RepoRoot)eng/hooks.txt\" />", "$(RepoRoot)eng/hooks.txt")]
    [InlineData("<UsingTask TaskName=\"T\" AssemblyFile=\"$(ToolsDir)Tasks.dll\" />", "$(ToolsDir)Tasks.dll")]
    [InlineData("<PropertyGroup><V>$([System.IO.File]::ReadAllText($(VersionFile)))</V></PropertyGroup>", "'$(VersionFile)'")]
    [InlineData("<PropertyGroup><V>$([System.IO.File]::ReadAllText($([MSBuild]::NormalizePath($(Root), 'v.txt'))))</V></PropertyGroup>", "NormalizePath($(Root), 'v.txt')")]
    public void A_computed_path_that_can_name_an_unhashed_file_is_a_finding_with_file_and_line(string element, string expression)
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.targets", $"<Project>\n{element}\n</Project>");

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        var finding = Assert.Single(report.Failures);
        Assert.Equal("SBX2406", finding.Code.Id);
        Assert.Equal(Path.Combine(repository.Root, "Directory.Build.targets"), finding.Location?.File);
        Assert.Equal(2, finding.Location?.Line);
        Assert.Contains(expression, finding.Seen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<Import Project=\"$(RepoRoot)eng/Versions.props\" />")]
    [InlineData("<Import Project=\"$([MSBuild]::GetPathOfFileAbove('Directory.Build.props', '$(MSBuildThisFileDirectory)../'))\" />")]
    [InlineData("<Import Project=\"$(MSBuildExtensionsPath)/Microsoft/Extra.txt\" />")]
    [InlineData("<Import Project=\"$(MSBuildProjectDirectory)/../$(Configuration).targets\" />")]
    [InlineData("<Import Project=\"Sdk.props\" Sdk=\"Microsoft.NET.Sdk\" />")]
    public void A_computed_path_whose_target_is_hashed_wherever_it_lands_passes(string element)
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.targets", $"<Project>{element}</Project>");

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.True(report.Passed, string.Join("\n", report.Failed()));
    }

    [Fact]
    public void Inside_a_target_computed_projects_and_file_reads_are_not_findings_but_literal_ones_are_followed()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.targets", """
            <Project>
              <Target Name="Summary" AfterTargets="Test">
                <PropertyGroup><Summary>$([System.IO.File]::ReadAllText('$(SummaryFile)'))</Summary></PropertyGroup>
                <MSBuild Projects="@(TestApps)" />
                <PropertyGroup><Template>$([System.IO.File]::ReadAllText('$(MSBuildThisFileDirectory)eng/template.txt'))</Template></PropertyGroup>
              </Target>
            </Project>
            """);
        repository.Write("eng/template.txt", "original");
        repository.Record();
        repository.Write("eng/template.txt", "changed");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 eng/template.txt"], report.Failed());
    }

    [Fact]
    public void A_toolset_path_is_a_finding_once_the_repository_redefines_that_property()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.props", "<Project><PropertyGroup><MSBuildExtensionsPath>$(MSBuildThisFileDirectory)fake/</MSBuildExtensionsPath></PropertyGroup></Project>");
        repository.Write("Directory.Build.targets", "<Project><Import Project=\"$(MSBuildExtensionsPath)/Microsoft/Extra.txt\" /></Project>");

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.Equal(["SBX2406 Directory.Build.targets:1 import"], report.Failed());
    }

    [Theory]
    [InlineData("tools/Tasks.dll", "<UsingTask TaskName=\"T\" AssemblyFile=\"$(MSBuildThisFileDirectory)tools/Tasks.dll\" />")]
    [InlineData("tools/Task.cs", "<UsingTask TaskName=\"T\" TaskFactory=\"RoslynCodeTaskFactory\" AssemblyFile=\"$(MSBuildToolsPath)/Microsoft.Build.Tasks.Core.dll\"><Task><Code Type=\"Class\" Source=\"tools/Task.cs\" /></Task></UsingTask>")]
    [InlineData("version.txt", "<PropertyGroup><V>$([System.IO.File]::ReadAllText('$(MSBuildThisFileDirectory)version.txt'))</V></PropertyGroup>")]
    [InlineData("build/gen.sh", "<Target Name=\"Gen\" BeforeTargets=\"Restore\"><Exec Command=\"bash build/gen.sh --fast\" /></Target>")]
    public void Files_a_target_or_task_runs_or_reads_are_build_logic(string file, string element)
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.targets", $"<Project>{element}</Project>");
        repository.Write(file, "original");
        repository.Record();
        repository.Write(file, "changed");

        var report = repository.Judge();

        Assert.Equal([$"SBX2401 {file}"], report.Failed());
    }

    [Fact]
    public void A_task_assemblys_neighbours_are_build_logic_too()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.targets", "<Project><UsingTask TaskName=\"T\" AssemblyFile=\"tools/Tasks.dll\" /></Project>");
        repository.Write("tools/Tasks.dll", "MZ tasks");
        repository.Write("tools/Helper.dll", "MZ helper");
        repository.Write("tools/Tasks.deps.json", "{}");
        repository.Record();
        repository.Write("tools/Helper.dll", "MZ evil helper");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 tools/Helper.dll"], report.Failed());
    }

    [Fact]
    public void A_flag_file_an_approved_condition_checks_fails_when_it_appears()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.props", "<Project><PropertyGroup Condition=\"Exists('$(MSBuildThisFileDirectory).skip-sandbox')\"><SandboxSkip>true</SandboxSkip></PropertyGroup></Project>");
        repository.Record();
        repository.Write(".skip-sandbox", "");

        var report = repository.Judge();

        Assert.Equal(["SBX2402 .skip-sandbox"], report.Failed());
    }

    [Fact]
    public void A_file_only_checked_for_is_recorded_by_presence_so_editing_it_passes_and_removing_it_fails()
    {
        using var repository = new SampleRepository();
        repository.Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup Condition=\"Exists('README.md')\"><PackageReadmeFile>README.md</PackageReadmeFile></PropertyGroup></Project>");
        repository.Write("src/App/README.md", "# App");
        repository.Record();
        repository.Write("src/App/README.md", "# App, documented");
        var edited = repository.Judge();
        repository.Delete("src/App/README.md");

        var removed = repository.Judge();

        Assert.Equal("present", SandboxBuild.Validation.BuildLogic.BuildLogicRecord.Read(repository.RecordFile).Files["src/App/README.md"]);
        Assert.True(edited.Passed, string.Join("\n", edited.Failed()));
        Assert.Equal(["SBX2403 src/App/README.md"], removed.Failed());
    }

    [Fact]
    public void A_marker_file_searched_upwards_fails_when_one_appears_closer()
    {
        using var repository = new SampleRepository();
        repository.Write(".reporoot", "");
        repository.Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><RepoRoot>$([MSBuild]::GetDirectoryNameOfFileAbove($(MSBuildProjectDirectory), '.reporoot'))</RepoRoot></PropertyGroup><Import Project=\"$(RepoRoot)/eng/Common.props\" /></Project>");
        repository.Record();
        repository.Write("src/.reporoot", "");
        repository.Write("src/eng/Common.props", "<Project><Target Name=\"Evil\" BeforeTargets=\"Restore\" /></Project>");

        var report = repository.Judge();

        Assert.Equal(["SBX2402 src/.reporoot", "SBX2402 src/eng/Common.props"], report.Failed());
    }

    [Fact]
    public void A_project_a_solution_lists_is_build_logic_whatever_its_name()
    {
        using var repository = new SampleRepository();
        repository.Write("App.sln", "Project(\"{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}\") = \"Odd\", \"weird\\Thing.build\", \"{22222222-2222-2222-2222-222222222222}\"\nEndProject\n"
            + "Project(\"{2150E333-8FDC-42A3-9474-1A3956D46DE8}\") = \"Solution Items\", \"Solution Items\", \"{33333333-3333-3333-3333-333333333333}\"\nEndProject\n");
        repository.Write("Filter.slnf", "{ \"solution\": { \"path\": \"App.sln\", \"projects\": [ \"weird\\\\Other.build\" ] } }");
        repository.Write("weird/Thing.build", "<Project />");
        repository.Write("weird/Other.build", "<Project />");
        repository.Record();
        repository.Write("weird/Thing.build", "<Project><Target Name=\"X\" /></Project>");
        repository.Write("weird/Other.build", "<Project><Target Name=\"Y\" /></Project>");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 weird/Other.build", "SBX2401 weird/Thing.build"], report.Failed());
    }

    [Fact]
    public void Loggers_and_more_switches_a_response_file_names_are_build_logic()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.rsp", "-nologo\n-logger:Company.Logger,tools/Logger.dll;verbosity=m\n@eng/more.rsp\n-p:CustomBeforeMicrosoftCommonProps=eng/before.txt\n");
        repository.Write("tools/Logger.dll", "MZ");
        repository.Write("eng/more.rsp", "-p:X=1\n");
        repository.Write("eng/before.txt", "<Project />");
        repository.Record();
        repository.Write("tools/Logger.dll", "MZ changed");
        repository.Write("eng/more.rsp", "-p:X=2\n");
        repository.Write("eng/before.txt", "<Project><Target Name=\"X\" /></Project>");

        var report = repository.Judge();

        Assert.Equal(["SBX2401 eng/before.txt", "SBX2401 eng/more.rsp", "SBX2401 tools/Logger.dll"], report.Failed());
    }

    [Fact]
    public void An_import_that_leaves_the_repository_is_a_finding()
    {
        using var repository = new SampleRepository();
        repository.Write("Directory.Build.props", "<Project><Import Project=\"../../outside.props\" /><Import Project=\"/etc/hosts\" /></Project>");

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.Equal(["SBX2408 Directory.Build.props:1 import", "SBX2408 Directory.Build.props:1 import"], report.Failed());
    }
}
