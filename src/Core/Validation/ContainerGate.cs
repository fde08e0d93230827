using System.Diagnostics;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;
using SandboxBuild.Validation.Credentials;

namespace SandboxBuild.Validation;

/// <summary>
/// The gate on a sandbox started by someone else (`validate --container`, e.g. the pattern's compose file): the
/// same checks as on SandboxBuild's own, probes included, judged against the layout `docker inspect` shows
/// (<see cref="ContainerLayout"/>), so a hardened container laid out differently (other mount targets, another
/// user, no output folder of ours) passes, and every weakening fails with its code.
/// </summary>
public static class ContainerGate
{
    public static async Task<ValidationReport> JudgeAsync(
        EngineConnection engine, string containerId, SandboxPolicy policy, HostContext host, string? declaredOutput, CancellationToken cancellationToken,
        System.Net.IPAddress? listenAddress = null)
    {
        var clock = Stopwatch.StartNew();
        var container = SandboxContainer.Attach(engine, containerId);
        var findings = new List<Finding>();
        ContainerDescription description;
        IsolationFacts facts;
        try
        {
            description = await container.DescribeAsync(cancellationToken);
            facts = await Gate.WithAccountsAsync(engine, description.Isolation(new HashSet<string>(StringComparer.Ordinal)), description.ImageId, cancellationToken);
        }
        catch (Exception e) when (e is EngineException or SandboxException)
        {
            findings.Add(Finding.Fail(Codes.InspectUnavailable, FactSource.Container, "docker inspect", e.Message, "a complete inspect"));
            return new ValidationReport { Findings = findings, ContainerId = containerId, Duration = clock.Elapsed, PolicySha256 = PolicyCanonical.Sha256(policy) };
        }

        var layout = ContainerLayout.From(description, host, declaredOutput);
        facts = facts with { OutputTargets = layout.OutputTargets };
        findings.AddRange(IsolationChecks.Judge(facts, host));
        findings.AddRange(CredentialChecks.Judge(CredentialChecks.Gather(facts, host), FactSource.Container, facts.Locate));

        EngineFacts? engineFacts = null;
        try
        {
            engineFacts = await engine.GetFactsAsync(cancellationToken);
        }
        catch (EngineException e)
        {
            findings.Add(Finding.Fail(Codes.EngineInfoUnavailable, FactSource.Engine, "docker info", e.Message, "engine facts"));
        }

        var (probeFindings, probe) = await ProbeAsync(engine, container, layout, host, listenAddress, cancellationToken);
        findings.AddRange(probeFindings);
        return new ValidationReport
        {
            Findings = findings,
            PolicySha256 = PolicyCanonical.Sha256(policy),
            ImageReference = description.ImageReference,
            ImageDigest = description.ImageId,
            Engine = engineFacts,
            ContainerId = description.Id,
            Duration = clock.Elapsed,
            Probe = probe,
        };
    }

    private static async Task<(IReadOnlyList<Finding>, ProbeReport?)> ProbeAsync(
        EngineConnection engine, SandboxContainer container, ContainerLayout layout, HostContext host, System.Net.IPAddress? listenAddress, CancellationToken cancellationToken)
    {
        string? placed = null;
        try
        {
            var directory = layout.ProbeDirectory;
            if (directory is null)
            {
                directory = placed = await ProbeDelivery.PlaceAsync(engine, container.Id, layout.Scratch, cancellationToken);
            }

            // Our probe volume, mounted by whoever made the container, is verified as in our own sandboxes.
            var volumeCheck = layout.ProbeDirectory is { } mounted ? ProbeVolume.VerifyInContainerAsync(engine, container.Id, cancellationToken, mounted) : null;
            return await Gate.ProbeAsync(engine, container, listeners => Request(layout, host, listeners, placed), directory, listenAddress, cancellationToken, volumeCheck);
        }
        catch (SandboxException e) when (e.Code == Codes.ProbeNotPlaced)
        {
            return ([Finding.Fail(Codes.ProbeNotPlaced, FactSource.Probe, "probe", e.Message, "the probe placed and run")], null);
        }
        catch (IOException e)
        {
            return ([Finding.Fail(Codes.ProbeFailed, FactSource.Probe, "probe", e.Message, "a probe report")], null);
        }
        finally
        {
            if (placed is not null)
            {
                await ProbeDelivery.RemoveAsync(engine, container.Id, placed);
            }
        }
    }

    private static ProbeRequest Request(ContainerLayout layout, HostContext host, HostListeners? listeners, string? placed) => new()
    {
        TcpTarget = listeners?.TcpEndpoint.ToString(),
        UdpTarget = listeners?.UdpEndpoint.ToString(),
        SourcePath = layout.SourcePath,
        OutputPath = layout.OutputPath,
        ReadOnlyTrees = [.. layout.ReadOnlyTrees],
        CredentialPaths = host.HomeDirectories.SelectMany(h => Gate.CredentialFolders.Select(c => $"{h}/{c}")).ToList(),
        SkipSocketScan = [.. layout.SkipWalk, .. placed is null ? Array.Empty<string>() : [placed]],
    };
}
