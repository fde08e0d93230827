using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>How every run, fresh or warm, publishes: collector, manifest, provenance.</summary>
internal static class Publishing
{
    /// <summary>
    /// Collects the output folder of a stopped (or frozen) sandbox into the publish folder, with the host's own
    /// secret values as canaries, and writes the manifest and the provenance statement beside it.
    /// </summary>
    public static CollectionResult Publish(
        ISandboxLog log, SandboxPolicy policy, RunRequest request, string outputPath, string publish, string runId, DateTimeOffset started,
        ExecutionOutcome outcome, ResolvedImage image)
    {
        var canaries = request.Canaries.Concat(HostSecretValues()).ToArray();
        var collection = new Collector(policy.Artifacts, canaries, log).Collect(outputPath, PublishFolder.Files(publish));
        var manifestHash = Manifest.Write(Path.Combine(publish, PublishFolder.ManifestFile), runId, collection);
        var validation = outcome.Validation;
        Provenance.Write(Path.Combine(publish, PublishFolder.ProvenanceFile), new RunEvidence
        {
            RunId = runId,
            Command = outcome.Command,
            PolicySha256 = PolicyCanonical.Sha256(policy),
            NetworkMode = policy.Network,
            ImageReference = image.Reference,
            ImageDigest = image.Digest,
            ValidationPassed = validation.Passed && !outcome.Drift.Any(d => d.Weaker),
            ChecksPassed = validation.Findings.Count(f => f.Status == CheckStatus.Pass),
            ChecksFailed = validation.Failures.Select(f => f.Code.Id).Distinct().ToArray(),
            Source = request.SourceDescription ?? Path.GetFullPath(request.SourceDirectory),
            StartedOn = started,
            FinishedOn = DateTimeOffset.UtcNow,
            ExitCode = outcome.CommandExitCode,
        }, collection, manifestHash);
        return collection;
    }

    /// <summary>Values of the host's own secret-named variables: if one turns up in an artifact, it leaked.</summary>
    private static IEnumerable<string> HostSecretValues() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => SecretRules.IsSecretName((string)e.Key) && e.Value is string { Length: >= 8 })
            .Select(e => (string)e.Value!);
}
