using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>
/// The stage that puts the source where the command can build it: the stager (our own code, from the
/// read-only probe volume) copies the read-only source into the in-memory workspace, only what changed since
/// the last run in a warm sandbox, none of the repository's obj/, with the restore sandbox's results laid over it.
/// </summary>
internal static class Staging
{
    public static async Task StageAsync(SandboxLease lease, SandboxPolicy policy, string source, string? publishDirectory, ISandboxLog log, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "stage", "--from", policy.SourceTarget, "--to", SandboxPolicy.BuildTarget };
        arguments.AddRange(RestorePreparation.OverlayArguments(lease.Layout));

        if (publishDirectory is not null && publishDirectory.StartsWith(source + "/", StringComparison.Ordinal))
        {
            arguments.AddRange(["--exclude", Path.GetRelativePath(source, publishDirectory)]);
        }

        var result = await lease.Container.RunAsync(ProbeRunner.Command([.. arguments]), ProbeRunner.HardenedEnvironment, SandboxPolicy.BuildTarget, cancellationToken);
        if (result.ExitCode != 0)
        {
            throw new SandboxException(Codes.StageFailed, $"Staging the source failed (exit {result.ExitCode}): {SafeText.Escape(result.StdErr.Trim(), 500)}");
        }

        StagingReport.Log(result.StdOut, log);
    }

    /// <summary>Where the command runs inside: the staged copy of the requested folder, never outside it.</summary>
    public static string WorkingDirectory(string source, string requested)
    {
        var relative = Path.GetRelativePath(source, Path.GetFullPath(requested, source));
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new SandboxException(Codes.InvalidInput, $"The working directory '{requested}' is outside the source folder.");
        }

        return relative == "." ? SandboxPolicy.BuildTarget : $"{SandboxPolicy.BuildTarget}/{relative}";
    }
}
