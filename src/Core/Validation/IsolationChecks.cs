using System.Globalization;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Probing;

namespace SandboxBuild.Validation;

/// <summary>
/// The judge of isolation settings: a pure function from facts to findings, the same for a policy, a compose
/// service and a live container. Every check reports a pass too, so a report shows what was proven. Checks
/// compare exact values; a substring is never taken for a setting.
/// </summary>
public static class IsolationChecks
{
    public static IEnumerable<Finding> Judge(IsolationFacts f, HostContext host)
    {
        var source = f.Source;
        yield return Finding.Judge(f.NetworkMode == "none", Codes.NetworkNotNone, source, "network mode",
            Show(f.NetworkMode), "none", f.Locate("network"));

        yield return Finding.Judge(!f.Privileged, Codes.Privileged, source, "privileged", Flag(f.Privileged), "false", f.Locate("privileged"));

        yield return Finding.Judge(f.CapAdd.Count == 0, Codes.CapabilitiesAdded, source, "capabilities added",
            f.CapAdd.Count == 0 ? "none" : string.Join(", ", f.CapAdd), "none", f.Locate("cap_add"));

        yield return Finding.Judge(f.CapDrop.Any(c => c.Equals("ALL", StringComparison.OrdinalIgnoreCase)), Codes.CapabilitiesNotDropped, source,
            "capabilities dropped", f.CapDrop.Count == 0 ? "none" : string.Join(", ", f.CapDrop), "ALL", f.Locate("cap_drop"));

        yield return Finding.Judge(f.NoNewPrivileges, Codes.NoNewPrivilegesMissing, source, "no-new-privileges", Flag(f.NoNewPrivileges), "true",
            f.Locate("no_new_privileges"));

        yield return Finding.Judge(f.Seccomp != "unconfined", Codes.SeccompUnconfined, source, "seccomp", f.Seccomp, "default or a profile", f.Locate("seccomp"));

        // A custom profile can allow anything: it runs only when the trusted side pinned exactly its content.
        var pinned = f.Seccomp != "custom" || (host.SeccompPin is { } pin && string.Equals(pin, f.SeccompProfileSha256, StringComparison.OrdinalIgnoreCase));
        yield return Finding.Judge(pinned, Codes.SeccompNotPinned, source, "seccomp profile",
            f.Seccomp != "custom" ? f.Seccomp : $"custom, sha256 {f.SeccompProfileSha256 ?? "unreadable"}",
            host.SeccompPin is { } expected ? $"the pinned sha256 {expected}" : "default, or a profile the trusted side pinned", f.Locate("seccomp"));

        yield return Finding.Judge(f.AppArmor != "unconfined", Codes.AppArmorUnconfined, source, "apparmor", f.AppArmor, "not unconfined", f.Locate("apparmor"));

        yield return Finding.Judge(!f.SystemPathsUnmasked, Codes.SystemPathsUnmasked, source, "kernel paths",
            f.SystemPathsUnmasked ? "unmasked" : "masked", "masked", f.Locate("system_paths"));

        yield return Finding.Judge(f.ReadOnlyRootFilesystem, Codes.RootFilesystemWritable, source, "read-only root filesystem",
            Flag(f.ReadOnlyRootFilesystem), "true", f.Locate("read_only"));

        foreach (var finding in UserChecks.Judge(f))
        {
            yield return finding;
        }

        yield return JudgeNamespaces(f);

        var devices = f.Devices.Concat(f.DeviceCgroupRules.Select(r => $"rule {r}"))
            .Concat(Enumerable.Repeat("device request (GPU)", f.DeviceRequests)).ToArray();
        yield return Finding.Judge(devices.Length == 0, Codes.DevicesAdded, source, "devices", devices.Length == 0 ? "none" : string.Join(", ", devices), "none",
            f.Locate("devices"));

        yield return JudgeMemory(f);

        yield return Finding.Judge(f.NanoCpus > 0, Codes.CpuUnlimited, source, "cpus",
            f.NanoCpus > 0 ? PolicyCanonical.Describe(f.NanoCpus / 1e9) : "unlimited", "a limit", f.Locate("cpus"));

        yield return Finding.Judge(f.PidsLimit is > 0, Codes.PidsUnlimited, source, "pids limit",
            f.PidsLimit is > 0 ? f.PidsLimit.Value.ToString(CultureInfo.InvariantCulture) : "unlimited", "a limit", f.Locate("pids"));

        foreach (var tmpfs in f.Tmpfs)
        {
            yield return Finding.Judge(tmpfs.SizeBytes > 0, Codes.TmpfsUnsized, source, $"tmpfs {tmpfs.Path}",
                tmpfs.SizeBytes > 0 ? Quantities.FormatBytes(tmpfs.SizeBytes) : "no size", "a size", tmpfs.Location ?? f.Locate("tmpfs"));
        }

        if (f.Timeout is { } timeout)
        {
            yield return Finding.Judge(timeout > TimeSpan.Zero, Codes.TimeoutMissing, source, "timeout",
                timeout > TimeSpan.Zero ? Quantities.FormatDuration(timeout) : "none", "a positive duration", f.Locate("timeout"));
        }

        foreach (var finding in MountChecks.Judge(f, host))
        {
            yield return finding;
        }

        yield return TargetChecks.Judge(f);

        yield return JudgeEnvironment(f);
    }

    /// <summary>Root for certain, without the image: uid 0 in any numeric spelling (`00`, `+0`), `root`, or no user at all.</summary>
    public static bool IsRoot(string user)
    {
        var spec = UserSpec.Parse(user);
        return spec.Uid == 0 || spec.UserName == "root" || (spec.Uid is null && spec.UserName is null && spec.Invalid is null);
    }

    private static Finding JudgeNamespaces(IsolationFacts f)
    {
        var shared = new[]
            {
                ("pid", f.PidMode), ("ipc", f.IpcMode), ("uts", f.UtsMode), ("userns_mode", f.UsernsMode), ("cgroup", f.CgroupnsMode),
            }
            .Where(n => n.Item2 == "host" || (n.Item1 is "pid" or "ipc" or "uts" && n.Item2.StartsWith("container:", StringComparison.Ordinal)))
            .ToArray();
        return Finding.Judge(shared.Length == 0, Codes.HostNamespace, f.Source, "namespaces",
            shared.Length == 0 ? "private" : string.Join(", ", shared.Select(n => $"{n.Item1}: {n.Item2}")), "private",
            shared.Length == 0 ? null : f.Locate(shared[0].Item1));
    }

    private static Finding JudgeMemory(IsolationFacts f)
    {
        var seen = f.Memory > 0 ? Quantities.FormatBytes(f.Memory) : "unlimited";
        if (f.Memory > 0 && f.MemorySwap == -1)
        {
            seen += " with unlimited swap";
        }
        else if (f.Memory > 0 && f.MemorySwap > f.Memory)
        {
            seen += $" plus {Quantities.FormatBytes(f.MemorySwap - f.Memory)} swap";
        }

        return Finding.Judge(f.Memory > 0 && f.MemorySwap != -1 && f.MemorySwap <= f.Memory, Codes.MemoryUnlimited, f.Source, "memory",
            seen, "a limit and no extra swap", f.Locate("memory"));
    }

    private static Finding JudgeEnvironment(IsolationFacts f)
    {
        var secrets = f.Environment
            .Where(e => !Engine.SandboxEnvironment.Defaults.ContainsKey(e.Name))
            .Where(e => SecretRules.IsSecretName(e.Name) || SecretRules.MatchValue(e.Value) is not null)
            .ToArray();
        return Finding.Judge(secrets.Length == 0, Codes.SecretInEnvironment, f.Source, "environment",
            secrets.Length == 0 ? "no secrets" : string.Join(", ", secrets.Select(e => e.Name)), "no secret variables",
            secrets.FirstOrDefault()?.Location ?? f.Locate("env"));
    }

    private static string Show(string value) => value.Length == 0 ? "(not set)" : value;

    private static string Flag(bool value) => value ? "true" : "false";
}
