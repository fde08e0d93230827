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

    public static ValidationReport JudgeStatic(SandboxPolicy policy, string sourceDirectory, HostContext host) => new()
    {
        Findings = IsolationChecks.Judge(PolicyFacts.From(policy, sourceDirectory), host).ToArray(),
        PolicySha256 = PolicyCanonical.Sha256(policy),
        ImageReference = policy.Image,
    };

    /// <param name="allowances">What this kind of sandbox has on purpose besides the output folder (the restore sandbox's package folder and proxy socket).</param>
    public static async Task<ValidationReport> JudgeRunningAsync(
        EngineConnection engine, SandboxContainer container, SandboxPolicy policy, SandboxLayout layout, HostContext host, CancellationToken cancellationToken,
        System.Net.IPAddress? listenAddress = null, GateAllowances? allowances = null)
    {
        allowances ??= GateAllowances.None;
        var clock = Stopwatch.StartNew();
        var findings = new List<Finding>();
        var outputTargets = new HashSet<string>([policy.OutputTarget, .. allowances.WritableTargets], StringComparer.Ordinal);

        var inspectTask = container.InspectAsync(cancellationToken);
        var infoTask = engine.Client.System.GetSystemInfoAsync(cancellationToken);
        string? imageId = null;
        try
        {
            var inspect = await inspectTask;
            imageId = inspect.Image;
            findings.AddRange(IsolationChecks.Judge(InspectFacts.From(inspect, outputTargets), host));
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

        var (probeFindings, probe) = await ProbeAsync(engine, container, policy, layout, host, listenAddress, allowances, cancellationToken);
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
        GateAllowances allowances, CancellationToken cancellationToken)
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
            var request = Request(policy, layout, host, listeners);
            request.ChannelSockets = [.. allowances.ChannelSockets];
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

/// <summary>
/// What a sandbox other than the build sandbox has on purpose: the restore sandbox writes its fresh package
/// folder besides its results, and reaches the egress proxy through one socket. Exact paths inside, never
/// prefixes; the restore sandbox's own checks prove each is what it should be.
/// </summary>
public sealed record GateAllowances
{
    public static GateAllowances None { get; } = new();

    /// <summary>Targets inside that may be writable host mounts, besides the policy's output target.</summary>
    public IReadOnlyCollection<string> WritableTargets { get; init; } = [];

    /// <summary>Socket paths inside that are the sandbox's sanctioned channel, not a host socket that leaked in.</summary>
    public IReadOnlyCollection<string> ChannelSockets { get; init; } = [];
}
