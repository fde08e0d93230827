namespace SandboxBuild.Cli.GitHub;

/// <summary>
/// The action's inputs, read from the runner's INPUT_* variables. Every input action.yml declares is read
/// here and nowhere else; a test holds the two lists equal.
/// </summary>
internal sealed class ActionInputs
{
    public static readonly IReadOnlyList<string> Names =
        ["command", "working-directory", "policy", "baseline", "fail-on-drift", "output", "image", "timeout", "sarif", "build-logic-baseline"];

    private readonly Func<string, string?> _environment;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ActionInputs(Func<string, string?> environment) => _environment = environment;

    public IReadOnlySet<string> Read => _read;

    public string Command => Get("command", "dotnet test");

    public string WorkingDirectory => Get("working-directory", ".");

    public string? Policy => Optional("policy");

    public string? Baseline => Optional("baseline");

    public bool FailOnDrift => !string.Equals(Get("fail-on-drift", "true"), "false", StringComparison.OrdinalIgnoreCase);

    public string Output => Get("output", "sandbox-output");

    public string? Image => Optional("image");

    public string? Timeout => Optional("timeout");

    public string Sarif => Get("sarif", "sandbox.sarif");

    public string? BuildLogicBaseline => Optional("build-logic-baseline");

    private string? Optional(string name) => Get(name, "") is { Length: > 0 } value ? value : null;

    // The runner's naming: INPUT_ + the name in upper case, spaces as underscores (hyphens stay).
    private string Get(string name, string fallback)
    {
        _read.Add(name);
        var value = _environment($"INPUT_{name.Replace(' ', '_').ToUpperInvariant()}")?.Trim();
        return string.IsNullOrEmpty(value) ? fallback : value;
    }
}
