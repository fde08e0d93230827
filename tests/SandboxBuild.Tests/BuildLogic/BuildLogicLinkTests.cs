using System.Diagnostics;

namespace SandboxBuild.Tests.BuildLogic;

/// <summary>Links are never followed: a linked build file, or a path through a linked folder, is itself a finding.</summary>
public sealed class BuildLogicLinkTests
{
    [Fact]
    public void A_build_file_that_is_a_link_out_of_the_repository_is_refused()
    {
        using var repository = new SampleRepository();
        repository.Delete("Directory.Build.props");
        File.CreateSymbolicLink(Path.Combine(repository.Root, "Directory.Build.props"), "/etc/hostname");

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        var finding = Assert.Single(report.Failures);
        Assert.Equal("SBX2407", finding.Code.Id);
        Assert.Equal("Directory.Build.props", finding.Subject);
        Assert.Contains("/etc/hostname", finding.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public void A_linked_folder_is_not_entered_and_an_import_through_it_is_refused()
    {
        using var repository = new SampleRepository();
        using var outside = new TempFolder();
        outside.Write("evil.props", "<Project />");
        outside.Write("hooks.txt", "<Project />");
        Directory.CreateSymbolicLink(Path.Combine(repository.Root, "eng"), outside.Path);
        repository.Write("Directory.Build.targets", "<Project><Import Project=\"eng/hooks.txt\" /></Project>");

        var (report, scan) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.Equal(["SBX2407 eng"], report.Failed());
        Assert.Equal(Path.Combine(repository.Root, "Directory.Build.targets"), report.Failures.Single().Location?.File);
        Assert.DoesNotContain(scan.Current.Files.Keys, k => k.StartsWith("eng/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wildcard_import_over_a_linked_folder_is_refused()
    {
        using var repository = new SampleRepository();
        using var outside = new TempFolder();
        outside.Write("x.inc", "<Project />");
        repository.Write("eng/own.inc", "<Project />");
        Directory.CreateSymbolicLink(Path.Combine(repository.Root, "eng", "linked"), outside.Path);
        repository.Write("Directory.Build.targets", "<Project><Import Project=\"eng/**/*.inc\" /></Project>");

        var (report, scan) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.Equal(["SBX2407 eng/linked"], report.Failed());
        Assert.Contains("eng/own.inc", scan.Current.Files.Keys);
    }

    [Fact]
    public void A_fifo_named_like_a_build_file_is_refused_without_hanging()
    {
        using var repository = new SampleRepository();
        repository.Delete("Directory.Build.props");
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(repository.Root, "Directory.Build.props")))
        {
            mkfifo.WaitForExit();
        }

        var (report, _) = SandboxBuild.Validation.BuildLogic.BuildLogicGate.Record(repository.Root, repository.RecordFile, repository.Options);

        Assert.Equal(["SBX2409 Directory.Build.props"], report.Failed());
    }
}
