using System.Diagnostics;
using Docker.DotNet;
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
    private static readonly string[] CredentialFolders = [".aws", ".ssh", ".kube", ".azure", ".docker", ".nuget/NuGet"];

    /// <summary>The static gate over a resolved policy: the repository's refused loosenings and the policy's own checks.</summary>
    public static ValidationReport JudgeStatic(PolicyResolution resolution, string sourceDirectory, HostContext host) =>
        JudgeStatic(resolution.Policy, sourceDirectory, host).With(PolicyFindings.From(resolution));

    public static ValidationReport JudgeStatic(SandboxPolicy policy, string sourceDirectory, HostContext host) => new()
    {
        Findings = IsolationChecks.Judge(PolicyFacts.From(policy, sourceDirectory), host with { SeccompPin = policy.SeccompSha256 }).ToArray(),
        PolicySha256 = PolicyCanonical.Sha256(policy),
        ImageReference = policy.Image,
    };

    public static async Task<ValidationReport> JudgeRunningAsync(
        EngineConnection engine, SandboxContainer container, SandboxPolicy policy, SandboxLayout layout, HostContext host, CancellationToken cancellationToken,
        System.Net.IPAddress? listenAddress = null)
    {
        var clock = Stopwatch.StartNew();
        var findings = new List<Finding>();
        var outputTargets = new HashSet<string>([policy.OutputTarget], StringComparer.Ordinal);

        var inspectTask = container.InspectAsync(cancellationToken);
        var infoTask = engine.Client.System.GetSystemInfoAsync(cancellationToken);
        // Read while inspect and the listeners are under way; awaited before the probe runs.
        var volumeCheck = ProbeVolume.VerifyInContainerAsync(engine, container.Id, cancellationToken);
        string? imageId = null;
        try
        {
            var inspect = await inspectTask;
            imageId = inspect.Image;
            var facts = InspectFacts.From(inspect, outputTargets);
            if (!UserSpec.Parse(facts.User).IsExplicitNumeric)
            {
                // A name (or a uid without a group) means what the image's accounts say; they are read from the image, not the running sandbox.
                facts = facts with { Accounts = await ImageAccounts.TryReadAsync(engine, inspect.Image, cancellationToken) };
            }

            findings.AddRange(IsolationChecks.Judge(facts, host with { SeccompPin = policy.SeccompSha256 }));
        }
        catch (Exception e) when (e is DockerApiException or SandboxException or HttpRequestException)
        {
            findings.Add(Finding.Fail(Codes.InspectUnavailable, FactSource.Container, "docker inspect", e.Message, "a complete inspect"));
        }

        EngineFacts? engineFacts = null;
        try
        {
            engineFacts = EngineFacts.From(await infoTask, engine.ApiVersion.ToString());
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException)
        {
            findings.Add(Finding.Fail(Codes.EngineInfoUnavailable, FactSource.Engine, "docker info", e.Message, "engine facts"));
        }

        var (probeFindings, probe) = await ProbeAsync(engine, container, policy, layout, host, listenAddress, volumeCheck, cancellationToken);
        findings.AddRange(probeFindings);

        return new ValidationReport
        {
            Findings = findings,
            PolicySha256 = PolicyCanonical.Sha256(policy),
            ImageReference = policy.Image,
            ImageDigest = imageId,
            Engine = engineFacts,
            ContainerId = container.Id,
            Duration = clock.Elapsed,
            Probe = probe,
        };
    }

    private static async Task<(IReadOnlyList<Finding> Findings, ProbeReport? Report)> ProbeAsync(
        EngineConnection engine, SandboxContainer container, SandboxPolicy policy, SandboxLayout layout, HostContext host, System.Net.IPAddress? listenAddress,
        Task<string?> volumeCheck, CancellationToken cancellationToken)
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

        // The probe's answers are only as good as its files: the volume must hold exactly ours before it runs.
        var volumeProblem = await volumeCheck;
        if (volumeProblem is not null and not ProbeVolume.MissingFolder)
        {
            findings.Add(Finding.Fail(Codes.ProbeVolumeTampered, FactSource.Probe, "probe volume", volumeProblem, "exactly the probe's own files"));
            if (listeners is not null)
            {
                await listeners.DisposeAsync();
            }

            return (findings, null);
        }

        if (volumeProblem is null)
        {
            findings.Add(Finding.Pass(Codes.ProbeVolumeTampered, FactSource.Probe, "probe volume", "the probe's own files", "exactly the probe's own files"));
        }

        try
        {
            var request = Request(policy, layout, host, listeners);
            var (report, failure) = await ProbeRunner.RunAsync(container, request, cancellationToken);
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
        CredentialPaths = host.HomeDirectories.SelectMany(h => CredentialFolders.Select(c => $"{h}/{c}")).ToList(),
        // Our own in-memory folders and the read-only package cache hold no host sockets and can be large.
        SkipSocketScan = policy.Tmpfs.Keys
            .Append(SandboxPolicy.BuildTarget)
            .Append(SandboxLayout.ProbeMount)
            .Concat(layout.PackageFolders.Select((_, i) => SandboxLayout.PackageTarget(i)))
            .ToList(),
    };
}
