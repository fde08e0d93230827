using System.Text.RegularExpressions;

namespace SandboxBuild.PackageTests.Matrix;

/// <summary>The totals of every test assembly's summary line ("Passed!  - Failed: 0, Passed: 40, ...") in a run's output.</summary>
public sealed partial record TestCounts(int Assemblies, int Passed, int Failed)
{
    public static TestCounts From(string output)
    {
        var lines = Summary().Matches(output);
        return new TestCounts(
            lines.Count,
            lines.Sum(m => int.Parse(m.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture)),
            lines.Sum(m => int.Parse(m.Groups["failed"].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"(?:Passed|Failed)!\s+-\s+Failed:\s+(?<failed>\d+),\s+Passed:\s+(?<passed>\d+),")]
    private static partial Regex Summary();
}
