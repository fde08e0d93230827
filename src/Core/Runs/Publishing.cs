using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;
using SandboxBuild.Validation;

namespace SandboxBuild.Runs;

/// <summary>The stage that publishes a frozen sandbox's output: collector, manifest, provenance.</summary>
internal static class Publishing
{
    /// <summary>
    /// Collects the output folder of a stopped (or frozen) sandbox into the publish folder, with the host's own
    /// secret values as canaries, and writes the manifest and the provenance statement beside it.
    /// </summary>
    public static CollectionResult Publish(RunSetup setup, SandboxLease lease, string publish, IReadOnlyList<string> command, GateVerdict verdict,
        ExecutionOutcome execution, DateTimeOffset started, ISandboxLog log)
    {
        var canaries = setup.Request.Canaries.Concat(setup.Restore?.Canaries ?? []).Concat(HostSecretValues()).ToArray();
        var collection = new Collector(setup.Policy.Artifacts, canaries, log).Collect(lease.Layout.OutputDirectory, PublishFolder.Files(publish));
        var manifestHash = Manifest.Write(Path.Combine(publish, PublishFolder.ManifestFile), setup.RunId, collection);
        var session = lease.Session;
        Provenance.Write(Path.Combine(publish, PublishFolder.ProvenanceFile), new RunEvidence
        {
            RunId = setup.RunId,
            Command = command,
            PolicySha256 = PolicyCanonical.Sha256(setup.Policy),
            NetworkMode = setup.Policy.Network,
            ImageReference = setup.Image.Reference,
            ImageDigest = setup.Image.Digest,
            ValidationPassed = verdict.Passed,
            ChecksPassed = verdict.Report.Findings.Count(f => f.Status == CheckStatus.Pass),
            ChecksFailed = verdict.Report.Failures.Select(f => f.Code.Id).Distinct().ToArray(),
            Source = setup.Request.SourceDescription ?? setup.Source,
            StartedOn = started,
            FinishedOn = DateTimeOffset.UtcNow,
            ExitCode = execution.CommandExitCode,
            Session = session?.SessionId,
            EarlierCommands = session?.Commands.Where(c => c.RunId != setup.RunId).Select(c => c.Command).ToArray() ?? [],
        }, collection, manifestHash);
        return collection;
    }

    /// <summary>Values of the host's own secret-named variables: if one turns up in an artifact, it leaked.</summary>
    private static IEnumerable<string> HostSecretValues() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => SecretRules.IsSecretName((string)e.Key) && e.Value is string { Length: >= 8 })
            .Select(e => (string)e.Value!);
}
