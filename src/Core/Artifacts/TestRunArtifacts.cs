using SandboxBuild.Policy;

namespace SandboxBuild.Artifacts;

/// <summary>
/// What a `dotnet test` run publishes when the trusted side declared nothing: its test results and coverage,
/// nothing else. A test run's output folder is written by the code under test, so everything beyond the
/// reports a test run is for (a copied binary, a dump, a planted file) must be asked for by the caller.
/// A pure function of the command, applied to the trusted floor before the repository's policy is merged,
/// so a repository can narrow it but never widen it.
/// </summary>
public static class TestRunArtifacts
{
    /// <summary>The folder CommandPlan points `--results-directory` at, under the output folder.</summary>
    public const string ResultsFolder = "TestResults";

    /// <summary>Results and coverage, wherever in the output a logger or collector put them.</summary>
    public static IReadOnlyList<string> ReportGlobs { get; } =
    [
        // VSTest and Microsoft.Testing.Platform write everything of a test run (TRX, coverage, attachments) here.
        $"{ResultsFolder}/**",
        "**/*.trx",
        // JUnit and NUnit XML loggers (JunitXml.TestLogger, NunitXml.TestLogger; MTP's --report-junit).
        "**/*.junit.xml", "**/junit*.xml", "**/TestResults.xml", "**/*.nunit.xml",
        // Coverage: coverlet (cobertura, opencover, json, lcov), Microsoft.CodeCoverage (.coverage, .xml).
        "**/*.cobertura.xml", "**/*.opencover.xml", "**/coverage.json", "**/lcov.info", "**/*.coverage", "**/*.coveragexml",
    ];

    /// <summary>Whether the command is `dotnet test`, whose default output is its reports.</summary>
    public static bool IsTestRun(IReadOnlyList<string> command) => command.Count >= 2 && command[0] == "dotnet" && command[1] == "test";

    /// <summary>
    /// The include globs for a run of <paramref name="command"/>: the trusted side's own declaration when it made one,
    /// else for `dotnet test` its reports (plus a `--results-directory` it named inside the output folder), else
    /// everything (an empty list).
    /// </summary>
    public static IReadOnlyList<string> IncludeFor(IReadOnlyList<string> command, string outputTarget, IReadOnlyList<string> trustedInclude)
    {
        if (trustedInclude.Count > 0 || !IsTestRun(command))
        {
            return trustedInclude;
        }

        var globs = ReportGlobs.ToList();
        if (ResultsDirectory(command) is { } results && Inside(outputTarget, results) is { Length: > 0 } relative && relative != ResultsFolder)
        {
            globs.Add($"{relative}/**");
        }

        return globs;
    }

    /// <summary>The trusted floor with the command's default include filled in.</summary>
    public static SandboxPolicy ApplyTo(SandboxPolicy trustedFloor, IReadOnlyList<string> command) =>
        trustedFloor with
        {
            Artifacts = trustedFloor.Artifacts with { Include = IncludeFor(command, trustedFloor.OutputTarget, trustedFloor.Artifacts.Include) },
        };

    private static string? ResultsDirectory(IReadOnlyList<string> command)
    {
        for (var i = 2; i < command.Count; i++)
        {
            if (command[i] == "--")
            {
                return null;
            }

            if (command[i] == "--results-directory" && i + 1 < command.Count)
            {
                return command[i + 1];
            }

            if (command[i].StartsWith("--results-directory=", StringComparison.Ordinal) || command[i].StartsWith("--results-directory:", StringComparison.Ordinal))
            {
                return command[i]["--results-directory=".Length..];
            }
        }

        return null;
    }

    // The part of an absolute path inside the output target, normalised; null when it is outside (or climbs out).
    private static string? Inside(string outputTarget, string path)
    {
        var root = outputTarget.TrimEnd('/');
        if (!path.StartsWith(root + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = path[(root.Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Any(p => p is "." or "..") || parts.Any(p => p.IndexOfAny(['*', '?', '[', '{']) >= 0) ? null : string.Join('/', parts);
    }
}
