namespace SandboxBuild.Cli;

/// <summary>The runner's file commands: $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT (never the deprecated ::set-output).</summary>
internal static class GitHubFiles
{
    public static void AppendSummary(string markdown)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } path)
        {
            File.AppendAllText(path, markdown + Environment.NewLine);
        }
    }

    public static void SetOutput(string name, string value)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_OUTPUT") is not { Length: > 0 } path)
        {
            return;
        }

        // The multi-line form with a random delimiter, so a value can never inject another output.
        var delimiter = $"ghadelimiter_{Guid.NewGuid():N}";
        File.AppendAllText(path, $"{name}<<{delimiter}{Environment.NewLine}{value}{Environment.NewLine}{delimiter}{Environment.NewLine}");
    }
}
