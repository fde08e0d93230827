using System.Globalization;

namespace SandboxBuild.Policy;

/// <summary>
/// What "tighter" means, field by field. A repository's value is accepted when it is equal to the floor's or
/// strictly narrower; anything else (looser, or merely different where "different" cannot be proven safe)
/// is a loosening. Each rule says why in one line.
/// </summary>
internal static class TighteningRules
{
    public static IReadOnlyList<PolicyField> For(string sourceDirectory) =>
    [
        // The image holds the probe's interpreter and every tool the build runs: the caller chooses it.
        new("image", p => p.Image, (f, r) => (Loosening)"the image is the caller's choice", (e, r) => e with { Image = r.Image })
            { Code = Diagnostics.Codes.RepositoryImage },
        // Only `none` is tighter than any other network.
        new("network", p => p.Network, (f, r) => r.Network == "none" ? null : "only network none is tighter", (e, r) => e with { Network = r.Network }),
        // A different non-root identity is allowed, written as numbers so it needs no image lookup; root or the root group never.
        new("user", p => p.User, (f, r) => UserSpec.Parse(r.User) is { IsExplicitNumeric: true, Uid: > 0, Gid: > 0 } ? null : "only a numeric non-root uid:gid with a non-zero gid",
            (e, r) => e with { User = r.User }),
        new("privileged", p => Flag(p.Privileged), (f, r) => r.Privileged ? "privileged grants every capability" : null, (e, r) => e with { Privileged = r.Privileged }),
        // Dropping more is tighter; once the floor drops ALL, so must the repository.
        new("cap_drop", p => List(p.CapDrop), (f, r) => HasAll(r.CapDrop) || (!HasAll(f.CapDrop) && Upper(f.CapDrop).IsSubsetOf(Upper(r.CapDrop))) ? null : "it drops fewer capabilities",
            (e, r) => e with { CapDrop = r.CapDrop }),
        // Adding fewer is tighter.
        new("cap_add", p => List(p.CapAdd), (f, r) => Upper(r.CapAdd).IsSubsetOf(Upper(f.CapAdd)) ? null : "it adds capabilities", (e, r) => e with { CapAdd = r.CapAdd }),
        new("no_new_privileges", p => Flag(p.NoNewPrivileges), (f, r) => r.NoNewPrivileges ? null : "setuid programs could gain privileges", (e, r) => e with { NoNewPrivileges = r.NoNewPrivileges }),
        // A profile's strength cannot be compared: only leaving `unconfined` for the engine's default is tighter.
        new("seccomp", p => p.Seccomp, (f, r) => f.Seccomp == "unconfined" && r.Seccomp == "default" ? null : "only the trusted side chooses a seccomp profile",
            (e, r) => e with { Seccomp = r.Seccomp }),
        // The pin is the trusted side's statement about a profile; a repository can never make one.
        new("seccomp_sha256", p => p.SeccompSha256 ?? "(none)", (f, r) => (Loosening)"only the trusted side pins a seccomp profile", (e, r) => e with { SeccompSha256 = r.SeccompSha256 }),
        new("apparmor", p => p.AppArmor, (f, r) => f.AppArmor == "unconfined" && r.AppArmor == "default" ? null : "only the trusted side chooses an AppArmor profile",
            (e, r) => e with { AppArmor = r.AppArmor }),
        new("system_paths", p => p.SystemPaths, (f, r) => r.SystemPaths == "masked" ? null : "kernel paths would be unmasked", (e, r) => e with { SystemPaths = r.SystemPaths }),
        new("read_only", p => Flag(p.ReadOnlyRootFilesystem), (f, r) => r.ReadOnlyRootFilesystem ? null : "the root filesystem would be writable",
            (e, r) => e with { ReadOnlyRootFilesystem = r.ReadOnlyRootFilesystem }),
        // Removing a tmpfs or making one smaller is tighter; a new writable folder or a bigger one is not.
        new("tmpfs", p => string.Join(", ", p.Tmpfs.Select(t => $"{t.Key}={Size(t.Value)}")),
            (f, r) => r.Tmpfs.FirstOrDefault(t => !f.Tmpfs.TryGetValue(t.Key, out var floor) || !WithinLimit(t.Value, floor)) is { Key: { } path } extra
                ? f.Tmpfs.ContainsKey(path) ? $"tmpfs {path} would be larger or unsized" : $"tmpfs {path} would be a new writable folder" : null,
            (e, r) => e with { Tmpfs = r.Tmpfs }),
        new("workspace_size", p => Size(p.WorkspaceSize), (f, r) => WithinLimit(r.WorkspaceSize, f.WorkspaceSize) ? null : "the workspace would be larger",
            (e, r) => e with { WorkspaceSize = r.WorkspaceSize }),
        // 0 is unlimited: any limit is tighter than none, none is never tighter than a limit.
        new("memory", p => p.Memory > 0 ? Size(p.Memory) : "unlimited", (f, r) => WithinLimit(r.Memory, f.Memory) ? null : "more memory, or none limited",
            (e, r) => e with { Memory = r.Memory }),
        // What counts is swap beyond memory: unset means none, -1 unlimited, 0 the engine's default (as much again).
        new("memory_swap", p => ExtraSwap(p) switch { 0 => "none extra", { } x => Size(x) + " extra", null => "unlimited" }, (f, r) => ExtraSwap(f) is not { } floor || ExtraSwap(r) is { } repo && repo <= floor ? null : "more swap",
            (e, r) => e with { MemorySwap = r.MemorySwap }),
        new("cpus", p => p.Cpus > 0 ? p.Cpus.ToString("0.###", CultureInfo.InvariantCulture) : "unlimited",
            (f, r) => f.Cpus <= 0 || (r.Cpus > 0 && r.Cpus <= f.Cpus) ? null : "more CPU, or none limited", (e, r) => e with { Cpus = r.Cpus }),
        new("pids", p => p.Pids > 0 ? p.Pids.ToString(CultureInfo.InvariantCulture) : "unlimited", (f, r) => WithinLimit(r.Pids, f.Pids) ? null : "more processes, or none limited",
            (e, r) => e with { Pids = r.Pids }),
        new("timeout", p => p.Timeout > TimeSpan.Zero ? Quantities.FormatDuration(p.Timeout) : "none",
            (f, r) => f.Timeout <= TimeSpan.Zero || (r.Timeout > TimeSpan.Zero && r.Timeout <= f.Timeout) ? null : "a longer run, or none limited", (e, r) => e with { Timeout = r.Timeout }),
        // Where the source and the output appear is layout the floor owns; moved, they could cover the probe's interpreter.
        new("source.target", p => p.SourceTarget, (f, r) => (Loosening)"the floor places the source", (e, r) => e with { SourceTarget = r.SourceTarget }),
        new("source.read_only", p => Flag(p.SourceReadOnly), (f, r) => r.SourceReadOnly ? null : "the repository would be writable from inside",
            (e, r) => e with { SourceReadOnly = r.SourceReadOnly }),
        // The output folder is on the host: only the caller names it.
        new("output.path", p => p.OutputPath, (f, r) => (Loosening)"the output folder is the caller's choice", (e, r) => e with { OutputPath = r.OutputPath })
            { Code = Diagnostics.Codes.RepositoryOutputPath, CallerOnly = true },
        new("output.target", p => p.OutputTarget, (f, r) => (Loosening)"the floor places the output", (e, r) => e with { OutputTarget = r.OutputTarget }),
        MountTightening.Field(sourceDirectory),
        // Every allowed name carries a host value inside: only fewer names are tighter.
        new("env.allow", p => List(p.EnvAllow), (f, r) => r.EnvAllow.Except(f.EnvAllow, StringComparer.Ordinal).FirstOrDefault() is { } added ? $"host variable {added} would cross" : null,
            (e, r) => e with { EnvAllow = r.EnvAllow }),
        // Fixed values carry nothing from the host, so a repository may add its own; the floor's stay as they are.
        new("env.set", p => string.Join(", ", p.EnvSet.Select(e => $"{e.Key}={e.Value}")),
            (f, r) => f.EnvSet.FirstOrDefault(e => !r.EnvSet.TryGetValue(e.Key, out var value) || value != e.Value) is { Key: { } name } ? $"the floor's {name} would change" : null,
            (e, r) => e with { EnvSet = r.EnvSet }),
        new("devices", p => List(p.Devices), (f, r) => r.Devices.Except(f.Devices, StringComparer.Ordinal).Any() ? "it adds host devices" : null, (e, r) => e with { Devices = r.Devices }),
        Namespace("pid", p => p.PidMode, (e, v) => e with { PidMode = v }, ""),
        Namespace("ipc", p => p.IpcMode, (e, v) => e with { IpcMode = v }, "private", "none"),
        Namespace("uts", p => p.UtsMode, (e, v) => e with { UtsMode = v }, ""),
        Namespace("userns_mode", p => p.UsernsMode, (e, v) => e with { UsernsMode = v }, ""),
        Namespace("cgroup", p => p.CgroupnsMode, (e, v) => e with { CgroupnsMode = v }, "private"),
        // Globs cannot be compared: narrower means "everything" became a list, or a subset of the floor's patterns.
        new("artifacts.include", p => p.Artifacts.Include.Count == 0 ? "everything" : List(p.Artifacts.Include),
            (f, r) => f.Artifacts.Include.Count == 0 || (r.Artifacts.Include.Count > 0 && r.Artifacts.Include.All(i => f.Artifacts.Include.Contains(i, StringComparer.Ordinal)))
                ? null : "it publishes more than the floor declares",
            (e, r) => e with { Artifacts = e.Artifacts with { Include = r.Artifacts.Include } }),
        new("artifacts.max_files", p => p.Artifacts.MaxFiles.ToString(CultureInfo.InvariantCulture), (f, r) => r.Artifacts.MaxFiles <= f.Artifacts.MaxFiles ? null : "more files",
            (e, r) => e with { Artifacts = e.Artifacts with { MaxFiles = r.Artifacts.MaxFiles } }),
        new("artifacts.max_file_size", p => Size(p.Artifacts.MaxFileSize), (f, r) => r.Artifacts.MaxFileSize <= f.Artifacts.MaxFileSize ? null : "larger files",
            (e, r) => e with { Artifacts = e.Artifacts with { MaxFileSize = r.Artifacts.MaxFileSize } }),
        new("artifacts.max_total_size", p => Size(p.Artifacts.MaxTotalSize), (f, r) => r.Artifacts.MaxTotalSize <= f.Artifacts.MaxTotalSize ? null : "more bytes",
            (e, r) => e with { Artifacts = e.Artifacts with { MaxTotalSize = r.Artifacts.MaxTotalSize } }),
        // Publishing a found secret is a decision about the caller's credentials: only the caller makes it.
        new("artifacts.secrets", p => p.Artifacts.Secrets.ToString().ToLowerInvariant(),
            (f, r) => r.Artifacts.Secrets == SecretAction.Block ? null : "only the trusted side lets found secrets through",
            (e, r) => e with { Artifacts = e.Artifacts with { Secrets = r.Artifacts.Secrets } }),
    ];

    // Namespaces: the engine's private mode (or ipc none) is tighter than any shared one.
    private static PolicyField Namespace(string key, Func<SandboxPolicy, string> get, Func<SandboxPolicy, string, SandboxPolicy> set, params string[] tighter) =>
        new(key, p => get(p) is { Length: > 0 } v ? v : "(engine default)", (f, r) => tighter.Contains(get(r), StringComparer.Ordinal) ? null : "only a private namespace is tighter",
            (e, r) => set(e, get(r)));

    /// <summary>A limit where 0 or less means unlimited: within the floor's when the floor has none, or positive and not above it.</summary>
    private static bool WithinLimit(long repo, long floor) => floor <= 0 || (repo > 0 && repo <= floor);

    private static long? ExtraSwap(SandboxPolicy p) => p.MemorySwap switch
    {
        null => 0,
        -1 => null,
        0 => p.Memory > 0 ? p.Memory : null,
        { } swap => Math.Max(0, swap - p.Memory),
    };

    private static bool HasAll(IEnumerable<string> caps) => caps.Any(c => c.Equals("ALL", StringComparison.OrdinalIgnoreCase));

    private static HashSet<string> Upper(IEnumerable<string> caps) => caps.Select(c => c.ToUpperInvariant().Replace("CAP_", "", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Size(long bytes) => bytes > 0 ? Quantities.FormatBytes(bytes) : "unsized";

    private static string List(IEnumerable<string> values) => $"[{string.Join(", ", values)}]";
}
