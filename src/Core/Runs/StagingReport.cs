using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;

namespace SandboxBuild.Runs;

/// <summary>
/// Turns the stager's stdout into the log: its summary as detail, and every file it skipped (the sandbox user
/// cannot read it) as one warning that names them, so a build that later misses such a file says why.
/// </summary>
public static class StagingReport
{
    /// <summary>How many skipped paths the warning names; the rest are counted.</summary>
    public const int NamedInWarning = 10;

    /// <returns>The paths that were skipped.</returns>
    public static IReadOnlyList<string> Log(string stdout, ISandboxLog log)
    {
        log.Detail(StagingOutput.Summary(stdout));
        var skipped = StagingOutput.Unreadable(stdout);
        if (skipped.Count > 0)
        {
            var named = string.Join(", ", skipped.Take(NamedInWarning).Select(p => SafeText.Escape(p, 200)));
            var more = skipped.Count > NamedInWarning ? $" and {skipped.Count - NamedInWarning} more" : "";
            log.Warning(Codes.SourceFilesSkipped,
                $"{skipped.Count} path(s) of the source are unreadable to the sandbox user and were not staged: {named}{more}. " +
                $"Expected every file the build needs to be readable by the sandbox's uid. Fix: {Codes.SourceFilesSkipped.Fix}");
        }

        return skipped;
    }
}
