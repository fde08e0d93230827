using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Validation;

/// <summary>
/// The policy resolution as gate findings: each refused loosening fails the gate with its code, the field
/// and both values; trusting the repository, or a caller's file inside the source, is a coded warning on
/// every run. With nothing refused, one pass line says the repository stayed within the floor.
/// </summary>
public static class PolicyFindings
{
    public static IEnumerable<Finding> From(PolicyResolution resolution)
    {
        foreach (var refusal in resolution.Refusals)
        {
            yield return Finding.Fail(refusal.Code, FactSource.Policy, $"repository {refusal.Field}",
                $"{refusal.RepositoryValue} ({refusal.Why})", $"{refusal.FloorValue} or tighter (the trusted floor)", refusal.Location);
        }

        foreach (var notice in resolution.Notices)
        {
            yield return Finding.Fail(notice.Code, FactSource.Policy, "policy source", notice.Message, "the trusted floor, tightened only", notice.Location);
        }

        if (resolution.Refusals.Count == 0)
        {
            var changed = resolution.Sources.Where(s => s.Value == PolicyLayer.Repository).Select(s => s.Key).ToArray();
            yield return Finding.Pass(Codes.RepositoryLoosens, FactSource.Policy, "repository policy",
                resolution.RepositoryFile is null && changed.Length == 0 ? "none" : changed.Length == 0 ? "no change" : $"tightened {string.Join(", ", changed)}",
                "nothing looser than the trusted floor");
        }
    }
}
