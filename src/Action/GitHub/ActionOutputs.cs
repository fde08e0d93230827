namespace SandboxBuild.Cli.GitHub;

/// <summary>The action's outputs, written to $GITHUB_OUTPUT. Every output action.yml declares is written, every time.</summary>
internal static class ActionOutputs
{
    public static readonly IReadOnlyList<string> Names =
        ["gate-result", "exit-code", "artifacts-path", "manifest-path", "provenance-path", "sarif-path"];

    public static void Write(IReadOnlyDictionary<string, string> values)
    {
        foreach (var name in Names)
        {
            GitHubFiles.SetOutput(name, values.TryGetValue(name, out var value) ? value : "");
        }
    }
}
