using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// The tighten-only merge of the repository's layer onto the trusted floor, field by field (rules in
/// <see cref="TighteningRules"/>). A field the repository tightened takes the repository's value; a field it
/// loosened keeps the floor's and becomes a refusal. Afterwards every mount, whichever layer named it, must
/// not be taken out of the source by a link the repository committed.
/// </summary>
internal static class RepositoryMerge
{
    public static (SandboxPolicy Policy, IReadOnlyList<PolicyRefusal> Refusals) Apply(
        SandboxPolicy floor, SandboxPolicy repository, IReadOnlyList<PolicyField> fields, Dictionary<string, PolicyLayer> sources, bool trusted, string source)
    {
        var effective = floor;
        var refusals = new List<PolicyRefusal>();
        var taken = new List<PolicyField>();
        foreach (var field in fields)
        {
            if (field.Show(floor) == field.Show(repository))
            {
                continue;
            }

            var location = Locate(repository.Origin, field);
            var loosening = field.Looser(floor, repository);
            if (loosening is not null && (!trusted || field.CallerOnly))
            {
                refusals.Add(new PolicyRefusal(loosening.Code ?? field.Code, field.Key, field.Show(floor), field.Show(repository), loosening.Why, location));
                continue;
            }

            effective = field.Take(effective, repository);
            sources[field.Key] = PolicyLayer.Repository;
            taken.Add(field);
        }

        effective = effective with { Origin = floor.Origin.Then(repository.Origin.Only(key => taken.Any(f => f.Owns(key)))) };
        return KeepMountsInSource(effective, refusals, source);
    }

    /// <summary>A mount named inside the source that a link takes outside it is refused and dropped, from any layer.</summary>
    private static (SandboxPolicy, IReadOnlyList<PolicyRefusal>) KeepMountsInSource(SandboxPolicy policy, List<PolicyRefusal> refusals, string source)
    {
        var kept = new List<MountSpec>();
        foreach (var mount in policy.Mounts)
        {
            if (MountTightening.LeavesSource(mount, source, fromRepository: false) is { } why)
            {
                refusals.Add(new PolicyRefusal(Codes.MountLeavesSource, "mounts", "mounts inside the source stay inside it", mount.ToString(), why,
                    policy.Origin.Locate($"mounts.{mount.Target}")));
                continue;
            }

            kept.Add(mount);
        }

        return (policy with { Mounts = kept }, refusals);
    }

    private static SourceLocation? Locate(PolicyOrigin origin, PolicyField field) =>
        origin.Keys.Where(field.Owns).Select(origin.Locate).FirstOrDefault() ?? origin.Locate(field.Key);
}
