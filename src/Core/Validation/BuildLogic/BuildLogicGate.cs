using System.Diagnostics;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// The build-logic gate: runs before anything evaluates the repository and compares every file the host's
/// MSBuild and NuGet would read with the approved record. Judging is file hashing only; nothing is evaluated.
/// </summary>
public static class BuildLogicGate
{
    /// <summary>Compares the repository with the approved record. The record must come from the trusted side (the base branch), never from the change judged.</summary>
    public static (ValidationReport Report, BuildLogicScan Scan) Judge(string root, string recordFile, BuildLogicOptions options)
    {
        RequireFolder(root);
        var clock = Stopwatch.StartNew();
        var approved = BuildLogicRecord.Read(recordFile);
        var scan = BuildLogicScanner.Scan(root, options);
        var changes = BuildLogicDiff.Compare(approved, scan);
        var findings = changes.Concat(scan.Findings).ToList();
        if (changes.Count == 0)
        {
            findings.Add(Finding.Pass(Codes.BuildLogicModified, FactSource.BuildLogic, "build logic",
                Summary(scan), "the approved record", new SourceLocation(recordFile, 0)));
        }

        return (new ValidationReport { Findings = findings, Duration = clock.Elapsed }, scan);
    }

    /// <summary>Writes the build logic as it is now as the record to approve; the findings say what cannot be approved as is.</summary>
    public static (ValidationReport Report, BuildLogicScan Scan) Record(string root, string recordFile, BuildLogicOptions options)
    {
        RequireFolder(root);
        var clock = Stopwatch.StartNew();
        var scan = BuildLogicScanner.Scan(root, options);
        scan.Current.Write(recordFile);
        var findings = scan.Findings.Append(Finding.Pass(Codes.BuildLogicModified, FactSource.BuildLogic, "build logic",
            Summary(scan), "recorded", new SourceLocation(recordFile, 0))).ToList();
        return (new ValidationReport { Findings = findings, Duration = clock.Elapsed }, scan);
    }

    private static void RequireFolder(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new SandboxException(Codes.InvalidInput, $"The repository folder '{root}' does not exist.", "Give the repository root with -C.");
        }
    }

    private static string Summary(BuildLogicScan scan) =>
        $"{scan.Current.Files.Count} files, {scan.Current.Packages.Count} packages ({scan.Current.PackageBuildAssets.Count} with build assets known) of {scan.EntriesWalked} entries";
}
