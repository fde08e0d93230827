using SandboxBuild.Engine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;
using SandboxBuild.Validation;

namespace SandboxBuild.Restore;

/// <summary>What the restore sandbox really is: from `docker inspect`, its image, and the probe inside.</summary>
public sealed record RestoreFacts
{
    public required string NetworkMode { get; init; }

    public required IReadOnlyList<MountFact> Mounts { get; init; }

    public required IReadOnlyList<EnvFact> Environment { get; init; }

    /// <summary>The image's own variables (`NAME=VALUE`), which the container inherits.</summary>
    public IReadOnlyList<string> ImageEnvironment { get; init; } = [];

    /// <summary>What the probe saw inside; null when it could not run (the gate reports why).</summary>
    public ProbeReport? Probe { get; init; }
}

/// <summary>What this restore's sandbox must be: its own fresh folders (host paths as the engine sees them) and environment.</summary>
public sealed record RestoreExpectations
{
    public required string ProxyFolder { get; init; }

    public required string PackagesFolder { get; init; }

    public required string ResultsFolder { get; init; }

    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>Values that must not appear in the environment: feed credentials, the host's tokens.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}

/// <summary>
/// The restore sandbox's own checks, on top of the gate every sandbox passes. Pure: facts in, findings out.
/// Its network is none (the proxy socket is its only way out), that socket is the only one it reaches and
/// is this restore's, read-only; its environment is exactly what restore needs; it writes only its fresh
/// package and results folders. An unknown fact fails.
/// </summary>
public static class RestoreChecks
{
    private const FactSource Container = FactSource.Container;

    public static IEnumerable<Finding> Judge(RestoreFacts facts, RestoreExpectations expected)
    {
        yield return Network(facts);
        yield return OtherSockets(facts);
        yield return ProxyChannel(facts, expected);
        yield return Environment(facts, expected);
        yield return WritableMounts(facts, expected);
    }

    private static Finding Network(RestoreFacts facts)
    {
        var probe = facts.Probe;
        var interfaces = probe is null ? "unknown" : string.Join(", ", probe.Interfaces);
        var ok = facts.NetworkMode == "none" && probe is { Interfaces: ["lo"], Routes.Count: 0, Ipv6Addresses.Count: 0 };
        return Finding.Judge(ok, Codes.RestoreNetwork, Container, "restore sandbox network",
            $"network mode {SafeText.Escape(facts.NetworkMode)}, interfaces {SafeText.Escape(interfaces)}, {probe?.Routes.Count.ToString() ?? "unknown"} routes",
            "network mode none, lo only, no routes");
    }

    private static Finding OtherSockets(RestoreFacts facts)
    {
        if (facts.Probe is not { } probe)
        {
            return Finding.Fail(Codes.RestoreForeignSocket, FactSource.Probe, "restore sandbox sockets", "no probe report", "only the proxy socket");
        }

        var others = probe.Sockets.Where(s => s.Path != RestoreLayout.ProxySocketTarget).Select(s => SafeText.Escape(s.Path)).ToArray();
        return Finding.Judge(others.Length == 0 && probe.SocketScanComplete, Codes.RestoreForeignSocket, FactSource.Probe, "restore sandbox sockets",
            others.Length > 0 ? $"also {string.Join(", ", others)}" : probe.SocketScanComplete ? "only the proxy socket" : "socket scan incomplete",
            "only the proxy socket");
    }

    private static Finding ProxyChannel(RestoreFacts facts, RestoreExpectations expected)
    {
        var mount = facts.Mounts.FirstOrDefault(m => m.Target == RestoreLayout.ProxyTarget);
        var socket = facts.Probe?.Sockets.FirstOrDefault(s => s.Path == RestoreLayout.ProxySocketTarget);
        var problems = new List<string>();
        if (mount is null)
        {
            problems.Add("no proxy folder mounted");
        }
        else
        {
            if (mount.Type != "bind" || Trim(mount.Source) != Trim(expected.ProxyFolder))
            {
                problems.Add($"{SafeText.Escape(mount.Source)} is not this restore's proxy folder");
            }

            if (!mount.ReadOnly)
            {
                problems.Add("the proxy folder is writable");
            }
        }

        if (socket is not { Connected: true })
        {
            problems.Add(socket is null ? "no proxy socket found" : $"the proxy socket did not answer ({SafeText.Escape(socket.Detail)})");
        }

        return Finding.Judge(problems.Count == 0, Codes.RestoreProxyChannel, Container, $"proxy channel {RestoreLayout.ProxyTarget}",
            problems.Count == 0 ? "this restore's folder, read-only, its socket answering" : string.Join("; ", problems),
            "this restore's proxy folder, read-only, its socket answering");
    }

    private static Finding Environment(RestoreFacts facts, RestoreExpectations expected)
    {
        var image = facts.ImageEnvironment.Select(e => e.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);
        var unexpected = facts.Environment
            .Where(e => !(expected.Environment.TryGetValue(e.Name, out var ours) && ours == e.Value) && !(image.TryGetValue(e.Name, out var inherited) && inherited == e.Value))
            .Select(e => e.Name);
        var secret = facts.Environment.Where(e => expected.Secrets.Any(s => s.Length > 0 && e.Value.Contains(s, StringComparison.Ordinal))).Select(e => $"{e.Name} (holds a secret)");
        var problems = unexpected.Concat(secret).Distinct(StringComparer.Ordinal).Select(n => SafeText.Escape(n)).ToArray();
        return Finding.Judge(problems.Length == 0, Codes.RestoreEnvironment, Container, "restore sandbox environment",
            problems.Length == 0 ? $"{facts.Environment.Count} variables, all restore's or the image's" : string.Join(", ", problems),
            "only restore's variables and the image's own, no secret");
    }

    private static Finding WritableMounts(RestoreFacts facts, RestoreExpectations expected)
    {
        var allowed = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [RestoreLayout.PackagesTarget] = Trim(expected.PackagesFolder),
            [RestoreLayout.ResultsTarget] = Trim(expected.ResultsFolder),
        };
        var wrong = facts.Mounts
            .Where(m => !m.ReadOnly && m.Type != "tmpfs")
            .Where(m => !(allowed.TryGetValue(m.Target, out var source) && m.Type == "bind" && Trim(m.Source) == source))
            .Select(m => $"{SafeText.Escape(m.Target)} from {SafeText.Escape(m.Source)}")
            .ToArray();
        var missing = allowed.Keys.Where(target => !facts.Mounts.Any(m => m.Target == target && !m.ReadOnly)).ToArray();
        return Finding.Judge(wrong.Length == 0 && missing.Length == 0, Codes.RestoreWritableMount, Container, "restore sandbox writable mounts",
            wrong.Length > 0 ? $"also writable: {string.Join(", ", wrong)}" : missing.Length > 0 ? $"missing: {string.Join(", ", missing)}" : "only the fresh package and results folders",
            "only this restore's fresh package and results folders");
    }

    private static string Trim(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
