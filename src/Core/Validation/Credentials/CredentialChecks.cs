using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation.Credentials;

/// <summary>
/// Judges what the host-side search of mount sources found: credential material in any mount fails
/// (SBX2050), and so does a mount that could not be searched completely (SBX2051): what was not seen is not clean.
/// </summary>
public static class CredentialChecks
{
    private const int Shown = 5;

    /// <summary>Searches every host folder the facts mount (not our private output folder) within one time budget.</summary>
    public static IReadOnlyList<MountSearch> Gather(IsolationFacts facts, HostContext host)
    {
        var started = DateTime.UtcNow;
        var searches = new List<MountSearch>();
        foreach (var mount in facts.Mounts.Where(m => m.Type == "bind" && m.Source != PolicyFacts.PrivateOutputFolder && m.Source.StartsWith('/')))
        {
            var left = MountCredentialSearch.MaxTime - (DateTime.UtcNow - started);
            var isSource = host.RepositoryRoot is { } repo && mount.Source.TrimEnd('/') == repo;
            searches.Add(left > TimeSpan.Zero
                ? MountCredentialSearch.Search(mount, isSource, left)
                : new MountSearch(mount, [], false, "no time left for this mount", 0));
        }

        return searches;
    }

    public static IEnumerable<Finding> Judge(IReadOnlyList<MountSearch> searches, FactSource source, Func<string, SourceLocation?> locate)
    {
        foreach (var search in searches)
        {
            var subject = $"mount {search.Mount.Target}";
            var location = search.Mount.Location ?? locate("mounts");
            if (search.Hits.Count > 0)
            {
                var shown = string.Join(", ", search.Hits.Take(Shown).Select(h => $"{SafeText.Escape(h.RelativePath)} ({h.Why})"));
                var more = search.Hits.Count > Shown ? $" and {search.Hits.Count - Shown} more" : "";
                yield return Finding.Fail(Codes.CredentialMaterialInMount, source, subject, $"{SafeText.Escape(search.Mount.Source)}: {shown}{more}", "no credential material", location);
            }

            if (!search.Complete)
            {
                yield return Finding.Fail(Codes.CredentialSearchIncomplete, source, subject, $"{SafeText.Escape(search.Mount.Source)}: {search.Incomplete}", "searched completely", location);
            }
        }

        var entries = searches.Sum(s => s.Entries);
        if (!searches.Any(s => s.Hits.Count > 0))
        {
            yield return Finding.Pass(Codes.CredentialMaterialInMount, source, "mounted folders", $"{searches.Count} searched, {entries} entries", "no credential material");
        }

        if (searches.All(s => s.Complete))
        {
            yield return Finding.Pass(Codes.CredentialSearchIncomplete, source, "mounted folders", $"{searches.Count} searched completely", "searched completely");
        }
    }
}
