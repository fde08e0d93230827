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

    /// <summary>The static gate over a resolved policy: the repository's refused loosenings and the policy's own checks.</summary>
    public static ValidationReport JudgeStatic(PolicyResolution resolution, string sourceDirectory, HostContext host) =>
        JudgeStatic(resolution.Policy, sourceDirectory, host).With(PolicyFindings.From(resolution));

    public static ValidationReport JudgeStatic(SandboxPolicy policy, string sourceDirectory, HostContext host)
    {
        var facts = PolicyFacts.From(policy, sourceDirectory);
        // Before any container exists: what the mounted host folders hold, wherever they are.
        var credentials = Credentials.CredentialChecks.Judge(Credentials.CredentialChecks.Gather(facts, host), facts.Source, facts.Locate);
        return new()
        {
            Findings = [.. IsolationChecks.Judge(facts, host with { SeccompPin = policy.SeccompSha256 }), .. credentials],
            PolicySha256 = PolicyCanonical.Sha256(policy),
            ImageReference = policy.Image,
        };
    }

    /// <param name="allowances">What this kind of sandbox has on purpose besides the output folder (the restore sandbox's package folder and proxy socket).</param>
    public static async Task<ValidationReport> JudgeRunningAsync(
        EngineConnection engine, SandboxContainer container, SandboxPolicy policy, SandboxLayout layout, HostContext host, CancellationToken cancellationToken,
        System.Net.IPAddress? listenAddress = null, GateAllowances? allowances = null)
    {
        allowances ??= GateAllowances.None;
        var clock = Stopwatch.StartNew();
        var findings = new List<Finding>();
        var outputTargets = new HashSet<string>([policy.OutputTarget, .. allowances.WritableTargets], StringComparer.Ordinal);

        var describing = container.DescribeAsync(cancellationToken);
        var engineFacts = engine.GetFactsAsync(cancellationToken);
        // Read while inspect and the listeners are under way; awaited before the probe runs.
        var volumeCheck = ProbeVolume.VerifyInContainerAsync(engine, container.Id, cancellationToken);
        string? imageId = null;
        try
        {
            var description = await describing;
            imageId = description.ImageId;
            var facts = await WithAccountsAsync(engine, description.Isolation(outputTargets), description.ImageId, cancellationToken);
            findings.AddRange(IsolationChecks.Judge(facts, host with { SeccompPin = policy.SeccompSha256 }));
        }
        catch (Exception e) when (e is EngineException or SandboxException)
        {
            findings.Add(Finding.Fail(Codes.InspectUnavailable, FactSource.Container, "docker inspect", e.Message, "a complete inspect"));
        }

        EngineFacts? engineInfo = null;
        try
        {
            engineInfo = await engineFacts;
        }
        catch (EngineException e)
        {
            findings.Add(Finding.Fail(Codes.EngineInfoUnavailable, FactSource.Engine, "docker info", e.Message, "engine facts"));
        }

        var (probeFindings, probe) = await ProbeAsync(engine, container, listeners => Request(policy, layout, host, listeners, allowances), SandboxLayout.ProbeMount,
            listenAddress, cancellationToken, volumeCheck);
        findings.AddRange(probeFindings);

        return new ValidationReport
        {
            Findings = findings,
            PolicySha256 = PolicyCanonical.Sha256(policy),
            ImageReference = policy.Image,
            ImageDigest = imageId,
            Engine = engineInfo,
            ContainerId = container.Id,
            Duration = clock.Elapsed,
            Probe = probe,
        };
    }

    /// <summary>
    /// A user name (or a uid without a group) means what the image's accounts say; they are read from the image, not
    /// the running sandbox, whose code could rewrite them.
    /// </summary>
    internal static async Task<IsolationFacts> WithAccountsAsync(EngineConnection engine, IsolationFacts facts, string imageId, CancellationToken cancellationToken) =>
        UserSpec.Parse(facts.User).IsExplicitNumeric ? facts : facts with { Accounts = await ImageAccounts.TryReadAsync(engine, imageId, cancellationToken) };

    /// <param name="volumeCheck">For our own sandboxes: the probe volume's content check, which must pass before the probe runs.</param>
    internal static async Task<(IReadOnlyList<Finding> Findings, ProbeReport? Report)> ProbeAsync(
        EngineConnection engine, SandboxContainer container, Func<HostListeners?, ProbeRequest> makeRequest, string probeDirectory, System.Net.IPAddress? listenAddress,
        CancellationToken cancellationToken, Task<string?>? volumeCheck = null)
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
        var volumeProblem = volumeCheck is null ? null : await volumeCheck;
        if (volumeProblem is not null and not ProbeVolume.MissingFolder)
        {
            findings.Add(Finding.Fail(Codes.ProbeVolumeTampered, FactSource.Probe, "probe volume", volumeProblem, "exactly the probe's own files"));
            if (listeners is not null)
            {
                await listeners.DisposeAsync();
            }

            return (findings, null);
        }

        if (volumeCheck is not null && volumeProblem is null)
        {
            findings.Add(Finding.Pass(Codes.ProbeVolumeTampered, FactSource.Probe, "probe volume", "the probe's own files", "exactly the probe's own files"));
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

    public static ProbeRequest Request(SandboxPolicy policy, SandboxLayout layout, HostContext host, HostListeners? listeners, GateAllowances? allowances = null) => new()
    {
        ChannelSockets = [.. allowances?.ChannelSockets ?? []],
        SanctionedCredentials = [.. allowances?.SanctionedCredentials ?? []],
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

    /// <summary>Files inside that hold a credential on purpose (exact paths): the trusted config with a private feed's credential.</summary>
    public IReadOnlyCollection<string> SanctionedCredentials { get; init; } = [];
}
