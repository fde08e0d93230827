namespace SandboxBuild.Policy;

/// <summary>
/// The effective policy of a run, with where each setting came from and what the repository asked for
/// that was refused. A refused loosening never takes effect: the floor's value stays, and the run fails.
/// </summary>
public sealed record PolicyResolution
{
    public required SandboxPolicy Policy { get; init; }

    /// <summary>The trusted floor the repository was merged onto (what the policy would be without the repository).</summary>
    public required SandboxPolicy Floor { get; init; }

    /// <summary>For each sandbox.yml key (`memory`, `source.read_only`, `artifacts.secrets` ...), the layer its value came from.</summary>
    public required IReadOnlyDictionary<string, PolicyLayer> Sources { get; init; }

    public IReadOnlyList<PolicyRefusal> Refusals { get; init; } = [];

    public IReadOnlyList<PolicyNotice> Notices { get; init; } = [];

    /// <summary>The repository's policy file that was read, if any.</summary>
    public string? RepositoryFile { get; init; }

    public bool Refused => Refusals.Count > 0;
}
