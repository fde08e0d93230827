using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;
using SandboxBuild.Runs;

namespace SandboxBuild.Tests;

public class StagingReportTests
{
    [Fact]
    public void Skipped_paths_become_one_warning_that_names_them_and_odd_names_cannot_forge_lines()
    {
        var stdout = string.Join('\n',
            StagingOutput.UnreadableLine(".env"),
            StagingOutput.UnreadableLine("a\nunreadable: \"forged\""),
            StagingOutput.UnreadableLine("secrets/"),
            "staged 3 changed of 5 files, removed 0, skipped 3 unreadable");
        var log = new RecordingLog();

        var skipped = StagingReport.Log(stdout, log);

        Assert.Equal([".env", "a\nunreadable: \"forged\"", "secrets/"], skipped);
        var warning = Assert.Single(log.Warnings);
        Assert.Equal(Codes.SourceFilesSkipped, warning.Code);
        Assert.Contains(".env", warning.Message, StringComparison.Ordinal);
        Assert.Equal("staged 3 changed of 5 files, removed 0, skipped 3 unreadable", Assert.Single(log.Details));
    }

    [Fact]
    public void A_clean_staging_warns_about_nothing()
    {
        var log = new RecordingLog();

        var skipped = StagingReport.Log("staged 3 changed of 3 files, removed 0, skipped 0 unreadable\n", log);

        Assert.Empty(skipped);
        Assert.Empty(log.Warnings);
    }

    private sealed class RecordingLog : ISandboxLog
    {
        public List<(SandboxCode Code, string Message)> Warnings { get; } = [];

        public List<string> Details { get; } = [];

        public void Warning(SandboxCode code, string message, SourceLocation? location = null) => Warnings.Add((code, message));

        public void Detail(string message) => Details.Add(message);

        public void Info(string message)
        {
        }

        public void Error(SandboxCode code, string message, SourceLocation? location = null)
        {
        }

        public void Output(string line, OutputChannel stream)
        {
        }
    }
}
