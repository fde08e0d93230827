using System.Diagnostics;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;

namespace SandboxBuild.Validation;

/// <summary>
/// The security gate. It gathers facts in three independent ways (the policy, `docker inspect`, the probe
/// inside) and judges each with pure functions. Every fact it cannot gather becomes a failure with its own
/// code: the gate fails closed.
/// </summary>
public static class Gate
{
    internal static readonly string[] CredentialFolders = [".aws", ".ssh", ".kube", ".azure", ".docker", ".nuget/NuGet"];

    public static ValidationReport JudgeStatic(SandboxPolicy policy, string sourceDirectory, HostContext host)
    {
        var facts = PolicyFacts.From(policy, sourceDirectory);
        // Before any container exists: what the mounted host folders hold, wherever they are.
        var credentials = Credentials.CredentialChecks.Judge(Credentials.CredentialChecks.Gather(facts, host), facts.Source, facts.Locate);
        return new()
        {
            Findings = [.. IsolationChecks.Judge(facts, host), .. credentials],
            PolicySha256 = PolicyCanonical.Sha256(policy),
            ImageReference = policy.Image,
        };
    }

    public static async Task<ValidationReport> JudgeRunningAsync(
        EngineConnection engine, SandboxContainer container, SandboxPolicy policy, SandboxLayout layout, HostContext host, CancellationToken cancellationToken,
        System.Net.IPAddress? listenAddress = null)
    {
        var clock = Stopwatch.StartNew();
        var findings = new List<Finding>();
        var outputTargets = new HashSet<string>([policy.OutputTarget], StringComparer.Ordinal);

        var describing = container.DescribeAsync(cancellationToken);
        var engineFacts = engine.GetFactsAsync(cancellationToken);
        string? imageId = null;
        try
        {
            var description = await describing;
            imageId = description.ImageId;
            findings.AddRange(IsolationChecks.Judge(description.Isolation(outputTargets), host));
        }
        catch (Exception e) when (e is EngineException or SandboxException)
        {
            findings.Add(Finding.Fail(Codes.InspectUnavailable, FactSource.Container, "docker inspect", e.Message, "a complete inspect"));
        }

        EngineFacts? facts = null;
        try
        {
            facts = await engineFacts;
        }
        catch (EngineException e)
        {
            findings.Add(Finding.Fail(Codes.EngineInfoUnavailable, FactSource.Engine, "docker info", e.Message, "engine facts"));
        }

        var (probeFindings, probe) = await ProbeAsync(engine, container, listeners => Request(policy, layout, host, listeners), SandboxLayout.ProbeMount, listenAddress, cancellationToken);
        findings.AddRange(probeFindings);

        return new ValidationReport
        {
            Findings = findings,
            PolicySha256 = PolicyCanonical.Sha256(policy),
            ImageReference = policy.Image,
            ImageDigest = imageId,
            Engine = facts,
            ContainerId = container.Id,
            Duration = clock.Elapsed,
            Probe = probe,
        };
    }

    internal static async Task<(IReadOnlyList<Finding> Findings, ProbeReport? Report)> ProbeAsync(
        EngineConnection engine, SandboxContainer container, Func<HostListeners?, ProbeRequest> makeRequest, string probeDirectory, System.Net.IPAddress? listenAddress,
        CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        HostListeners? listeners = null;
        try
        {
            listeners = await HostListeners.OpenAsync(engine, listenAddress, cancellationToken);
        }
        catch (SandboxException e)
        {
            findings.Add(Finding.Fail(e.Code, FactSource.Probe, "host-side listener", e.Message, "a listener on the engine's bridge"));
        }

        try
        {
            var request = makeRequest(listeners);
            var (report, failure) = await ProbeRunner.RunAsync(container, request, cancellationToken, probeDirectory);
            if (report is null)
            {
                findings.Add(Finding.Fail(Codes.ProbeFailed, FactSource.Probe, "probe", failure, "a probe report"));
                return (findings, null);
            }

            findings.AddRange(ProbeChecks.Judge(report, request));
            if (listeners is { TcpConnections: > 0 } or { DnsQueries: > 0 })
            {
                // The host side's own evidence, independent of what the probe says it saw.
                findings.Add(Finding.Fail(Codes.ProbeEgress, FactSource.Probe, "host-side listener",
                    $"received {listeners.TcpConnections} connections and {listeners.DnsQueries} DNS queries", "nothing received"));
            }

            return (findings, report);
        }
        finally
        {
            if (listeners is not null)
            {
                await listeners.DisposeAsync();
            }
        }
    }

    public static ProbeRequest Request(SandboxPolicy policy, SandboxLayout layout, HostContext host, HostListeners? listeners) => new()
    {
        TcpTarget = listeners?.TcpEndpoint.ToString(),
        UdpTarget = listeners?.UdpEndpoint.ToString(),
        SourcePath = policy.SourceTarget,
        OutputPath = policy.OutputTarget,
        ReadOnlyTrees = (policy.SourceReadOnly ? [policy.SourceTarget] : Array.Empty<string>())
            .Concat(layout.PackageFolders.Select((_, i) => SandboxLayout.PackageTarget(i)))
            .Append(SandboxLayout.ProbeMount)
            .ToList(),
        CredentialPaths = host.HomeDirectories.SelectMany(h => CredentialFolders.Select(c => $"{h}/{c}")).ToList(),
        // Our own in-memory folders and the read-only package cache hold no host sockets and can be large.
        SkipSocketScan = policy.Tmpfs.Keys
            .Append(SandboxPolicy.BuildTarget)
            .Append(SandboxLayout.ProbeMount)
            .Concat(layout.PackageFolders.Select((_, i) => SandboxLayout.PackageTarget(i)))
            .ToList(),
    };
}
