using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// The one place a run's policy is decided. The trusted floor is built first: the built-in hardened
/// defaults, then the approved baseline's policy, then the caller's policy file (outside the source), then
/// flags. The repository (its sandbox.yml, or a policy file the caller named inside the source, and its
/// settings) is merged on top and may only tighten: each loosening is refused with its code, the field and
/// both values, and the floor's value stays. A user who trusts the repository can opt in; then its
/// loosenings take effect (all but the output folder), and every run says so.
/// </summary>
public static class PolicyResolver
{
    public static PolicyResolution Resolve(TrustedPolicyInputs inputs, string sourceDirectory)
    {
        var source = Path.GetFullPath(sourceDirectory);
        var fields = TighteningRules.For(source);
        var sources = fields.ToDictionary(f => f.Key, _ => PolicyLayer.BuiltIn, StringComparer.Ordinal);
        var notices = new List<PolicyNotice>();

        var floor = SandboxPolicy.Default;
        if (inputs.BaselineFile is { } baseline)
        {
            if (InsideSource(baseline, source))
            {
                notices.Add(new PolicyNotice(Codes.CallerFileInsideSource,
                    $"The baseline '{baseline}' is inside the repository, so it sets no floor: the repository could have changed it.", new SourceLocation(Path.GetFullPath(baseline), 0)));
            }
            else
            {
                floor = Layer(floor, CanonicalPolicyReader.ReadBaseline(Path.GetFullPath(baseline)), fields, sources, PolicyLayer.Baseline);
            }
        }

        string? repositoryFile = null;
        if (inputs.PolicyFile is { } named)
        {
            var full = Path.GetFullPath(named);
            if (!File.Exists(full))
            {
                throw new SandboxException(Codes.PolicyInvalid, $"The policy file '{named}' does not exist.",
                    "Pass the path of an existing policy file, or leave it out to use the built-in defaults.");
            }

            if (InsideSource(full, source))
            {
                repositoryFile = full;
                notices.Add(new PolicyNotice(Codes.CallerFileInsideSource,
                    $"The policy file '{named}' is inside the repository, so it is the repository's: it can only tighten the floor.", new SourceLocation(full, 0)));
            }
            else
            {
                floor = Layer(floor, PolicyLoader.Load(full, floor), fields, sources, PolicyLayer.CallerFile);
            }
        }

        // The repository's own sandbox.yml applies whether or not the caller named a floor; a file the caller
        // named inside the source takes its place.
        if (repositoryFile is null && File.Exists(Path.Combine(source, PolicyLoader.DefaultFileName)))
        {
            repositoryFile = Path.Combine(source, PolicyLoader.DefaultFileName);
        }

        floor = Layer(floor, inputs.Overrides.ApplyTo(floor) with { Origin = floor.Origin }, fields, sources, PolicyLayer.CallerFlags);
        if (inputs.DefaultArtifactInclude is { Count: > 0 } include && floor.Artifacts.Include.Count == 0 && sources["artifacts.include"] == PolicyLayer.BuiltIn)
        {
            floor = floor with { Artifacts = floor.Artifacts with { Include = include } };
        }

        var repository = RepositoryLayer(floor, repositoryFile, inputs.RepositorySettings);
        var merge = RepositoryMerge.Apply(floor, repository, fields, sources, inputs.TrustRepositoryPolicy, source);
        if (inputs.TrustRepositoryPolicy && repository != floor)
        {
            notices.Add(new PolicyNotice(Codes.RepositoryPolicyTrusted,
                $"The repository's policy is trusted (--trust-repository-policy or {TrustedPolicyInputs.TrustVariable}): its settings take effect without the floor.",
                repositoryFile is null ? null : new SourceLocation(repositoryFile, 0)));
        }

        return new PolicyResolution
        {
            Policy = merge.Policy,
            Floor = floor,
            Sources = sources,
            Refusals = merge.Refusals,
            Notices = notices,
            RepositoryFile = repositoryFile,
        };
    }

    /// <summary>A file is the repository's when its path, or where its links lead, is inside the source.</summary>
    public static bool InsideSource(string path, string source)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return HostPath.IsWithin(full, source) || HostPath.IsWithin(HostPath.Resolve(full, "/"), HostPath.Resolve(source, "/"));
        }
        catch (IOException)
        {
            return true; // a link loop: where it leads is unknown, so it is not trusted
        }
    }

    /// <summary>The repository's sandbox.yml and then its settings, read over the floor.</summary>
    private static SandboxPolicy RepositoryLayer(SandboxPolicy floor, string? file, IReadOnlyList<string> settings)
    {
        var policy = file is null ? floor with { Origin = PolicyOrigin.BuiltIn } : PolicyLoader.Parse(File.ReadAllText(file), file, floor);
        if (settings.Count == 0)
        {
            return policy;
        }

        var origin = policy.Origin;
        var withSettings = PolicyLoader.Apply(RepositorySettings.ToMapping(settings), RepositorySettings.OriginName, policy);
        return withSettings with { Origin = origin.Then(withSettings.Origin) };
    }

    /// <summary>Takes a trusted layer as the new floor and records which fields it changed.</summary>
    private static SandboxPolicy Layer(SandboxPolicy below, SandboxPolicy above, IReadOnlyList<PolicyField> fields, Dictionary<string, PolicyLayer> sources, PolicyLayer layer)
    {
        foreach (var field in fields)
        {
            if (layer == PolicyLayer.Baseline || field.Show(below) != field.Show(above) || above.Origin.Keys.Any(field.Owns) && layer == PolicyLayer.CallerFile)
            {
                sources[field.Key] = layer;
            }
        }

        return above with { Origin = below.Origin.Then(above.Origin) };
    }
}
