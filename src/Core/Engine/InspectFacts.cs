using System.Globalization;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Engine;

/// <summary>
/// The isolation a live container really has, read from `docker inspect`. Missing sections are not guessed:
/// an incomplete inspect is its own failure (SBX2901), because a fact that cannot be read is not a pass.
/// </summary>
public static class InspectFacts
{
    public static IsolationFacts From(ContainerInspectResponse inspect, IReadOnlySet<string> outputTargets)
    {
        if (inspect.HostConfig is null || inspect.Config is null || inspect.Mounts is null)
        {
            throw new SandboxException(Codes.InspectUnavailable, $"docker inspect of {inspect.ID} returned no HostConfig, Config or Mounts.");
        }

        var host = inspect.HostConfig;
        var options = host.SecurityOpt ?? [];
        var tmpfs = (host.Tmpfs ?? new Dictionary<string, string>())
            .Select(t => new TmpfsFact(t.Key, TmpfsSize(t.Value)))
            .Concat((host.Mounts ?? []).Where(m => m.Type == "tmpfs").Select(m => new TmpfsFact(m.Target ?? "", m.TmpfsOptions?.SizeBytes ?? 0)))
            .ToArray();

        return new IsolationFacts
        {
            Source = FactSource.Container,
            Origin = $"container {inspect.ID[..Math.Min(12, inspect.ID.Length)]}",
            NetworkMode = host.NetworkMode ?? "",
            Privileged = host.Privileged,
            CapAdd = host.CapAdd?.ToArray() ?? [],
            CapDrop = host.CapDrop?.ToArray() ?? [],
            NoNewPrivileges = options.Any(o => o is "no-new-privileges" or "no-new-privileges:true" or "no-new-privileges=true"),
            Seccomp = SecurityOption(options, "seccomp") switch
            {
                null => "default",
                "unconfined" => "unconfined",
                _ => "custom",
            },
            SeccompProfileSha256 = SecurityOption(options, "seccomp") is { } profile and not "unconfined" ? Policy.SeccompProfile.Sha256OfContent(profile) : null,
            AppArmor = SecurityOption(options, "apparmor") ?? (inspect.AppArmorProfile is "unconfined" ? "unconfined" : "default"),
            // Docker fills MaskedPaths and ReadonlyPaths at create time; empty lists mean systempaths=unconfined.
            SystemPathsUnmasked = host.MaskedPaths is null || host.MaskedPaths.Count == 0 || host.ReadonlyPaths is null || host.ReadonlyPaths.Count == 0,
            ReadOnlyRootFilesystem = host.ReadonlyRootfs,
            User = inspect.Config.User ?? "",
            PidMode = host.PidMode ?? "",
            IpcMode = host.IpcMode ?? "",
            UtsMode = host.UTSMode ?? "",
            UsernsMode = host.UsernsMode ?? "",
            CgroupnsMode = host.CgroupnsMode ?? "",
            Devices = host.Devices?.Select(d => $"{d.PathOnHost}:{d.PathInContainer}").ToArray() ?? [],
            DeviceCgroupRules = host.DeviceCgroupRules?.ToArray() ?? [],
            DeviceRequests = host.DeviceRequests?.Count ?? 0,
            Memory = host.Memory,
            MemorySwap = host.MemorySwap,
            NanoCpus = host.NanoCPUs > 0 ? host.NanoCPUs : host.CPUQuota > 0 && host.CPUPeriod > 0 ? host.CPUQuota * 1_000_000_000 / host.CPUPeriod : 0,
            PidsLimit = host.PidsLimit,
            Tmpfs = tmpfs,
            Mounts = inspect.Mounts.Select(m => new MountFact(m.Type ?? "", m.Source ?? "", m.Destination ?? "", !m.RW, m.Propagation ?? "")).ToArray(),
            Environment = (inspect.Config.Env ?? []).Select(e => e.Split('=', 2)).Select(p => new EnvFact(p[0], p.Length > 1 ? p[1] : "")).ToArray(),
            OutputTargets = outputTargets,
        };
    }

    private static string? SecurityOption(IEnumerable<string> options, string name) =>
        options.Select(o => o.Split(['=', ':'], 2)).Where(p => p.Length == 2 && p[0] == name).Select(p => p[1]).LastOrDefault();

    private static long TmpfsSize(string options)
    {
        var size = options.Split(',').Select(o => o.Trim()).FirstOrDefault(o => o.StartsWith("size=", StringComparison.Ordinal));
        if (size is null)
        {
            return 0;
        }

        var value = size["size=".Length..];
        return Quantities.TryParseBytes(value, out var bytes) ? bytes
            : value.EndsWith('%') ? long.MaxValue
            : long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var raw) ? raw : 0;
    }
}
