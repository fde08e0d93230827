namespace SandboxBuild.Policy;

/// <summary>
/// What the caller of a run gives the policy resolver. Everything here is trusted except
/// <see cref="RepositorySettings"/>, which the caller only forwards: it is the repository's and is merged
/// tighten-only, like the repository's sandbox.yml.
/// </summary>
public sealed record TrustedPolicyInputs
{
    /// <summary>The environment variable with which the trusted side opts in to the repository's policy.</summary>
    public const string TrustVariable = "SANDBOXBUILD_TRUST_REPOSITORY_POLICY";

    /// <summary>
    /// A policy file the caller named (`--policy`, the action's `policy` input, SandboxPolicy). Outside the
    /// source it sets the floor; inside the source it is the repository's and can only tighten.
    /// </summary>
    public string? PolicyFile { get; init; }

    /// <summary>Flags, action inputs and MSBuild global properties: the most specific trusted layer.</summary>
    public PolicyOverrides Overrides { get; init; } = new();

    /// <summary>
    /// The approved baseline (`validate --write-baseline`). Outside the source its recorded policy is the
    /// floor; in the action that is the base branch's copy, which a pull request cannot change. A baseline
    /// inside the source is the repository's: it sets no floor (drift is still judged against it elsewhere).
    /// </summary>
    public string? BaselineFile { get; init; }

    /// <summary>The repository's own settings (`key=value`, sandbox.yml names), e.g. properties its project files set. Untrusted.</summary>
    public IReadOnlyList<string> RepositorySettings { get; init; } = [];

    /// <summary>The local user trusts the repository: its loosenings take effect, and every run says so (SBX2505).</summary>
    public bool TrustRepositoryPolicy { get; init; }

    /// <summary>
    /// The include globs the trusted side wants by default for this command (e.g. test results for `dotnet
    /// test`), used when no trusted layer declared any. Null leaves "everything".
    /// </summary>
    public IReadOnlyList<string>? DefaultArtifactInclude { get; init; }

    /// <summary>`--trust-repository-policy` or SANDBOXBUILD_TRUST_REPOSITORY_POLICY=1|true in the caller's environment.</summary>
    public static bool TrustFromEnvironment(bool flag, Func<string, string?> environment) =>
        flag || environment(TrustVariable)?.Trim().ToLowerInvariant() is "1" or "true" or "yes";
}
