using System.Text.RegularExpressions;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Tests;

public class CodesTests
{
    [Fact]
    public void Codes_are_unique_and_banded()
    {
        Assert.Equal(Codes.All.Count, Codes.All.Select(c => c.Id).Distinct().Count());
        Assert.All(Codes.All, c =>
        {
            Assert.Matches("^SBX[1-4][0-9]{3}$", c.Id);
            Assert.False(string.IsNullOrWhiteSpace(c.Title));
            Assert.False(string.IsNullOrWhiteSpace(c.Fix));
        });
    }

    [Fact]
    public void Every_code_is_documented_in_the_readme()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var documented = Regex.Matches(readme, "SBX[0-9]{4}").Select(m => m.Value).ToHashSet();

        var undocumented = Codes.All.Select(c => c.Id).Where(id => !documented.Contains(id)).ToArray();

        Assert.True(undocumented.Length == 0, $"Not in README.md: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void Leftovers_are_recognised_by_state_lifetime_and_owner()
    {
        var now = DateTimeOffset.UtcNow;
        var live = new Dictionary<string, string>
        {
            [SandboxLabels.Kind] = "run",
            [SandboxLabels.Owner] = SandboxLabels.CurrentOwner(),
            [SandboxLabels.Expires] = now.AddMinutes(5).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        Assert.Null(Janitor.WhyLeftOver("running", live, now));
        // Stopped, but its owner lives and is collecting it (a finished or cancelled run): not a leftover.
        Assert.Null(Janitor.WhyLeftOver("exited", live, now));
        Assert.NotNull(Janitor.WhyLeftOver("exited", new Dictionary<string, string>(live) { [SandboxLabels.Owner] = $"{Environment.MachineName}:999999" }, now));
        Assert.NotNull(Janitor.WhyLeftOver("exited", new Dictionary<string, string> { [SandboxLabels.Kind] = "reader" }, now));
        // A warm sandbox names no owner: stopped a moment ago (killed at its run's deadline), its run still collects it.
        var warm = new Dictionary<string, string> { [SandboxLabels.Kind] = "session" };
        Assert.Null(Janitor.WhyLeftOver("exited", warm, now, stoppedAt: now.AddSeconds(-5)));
        Assert.NotNull(Janitor.WhyLeftOver("exited", warm, now, stoppedAt: now - Janitor.StoppedGrace - TimeSpan.FromSeconds(1)));
        Assert.NotNull(Janitor.WhyLeftOver("running", live, now.AddHours(1)));
        Assert.NotNull(Janitor.WhyLeftOver("running", new Dictionary<string, string>(live) { [SandboxLabels.Owner] = $"{Environment.MachineName}:999999" }, now));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SandboxBuild.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root was not found.");
    }
}
