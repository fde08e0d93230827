using System.Globalization;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation.Compose;

/// <summary>The isolation facts of one merged compose service, each with the file and line that set it.</summary>
internal static class ComposeFacts
{
    private static readonly HashSet<string> Propagations = new(StringComparer.Ordinal) { "shared", "rshared", "slave", "rslave", "private", "rprivate" };

    public static IsolationFacts From(ComposeService service, string projectDirectory, HostContext host)
    {
        var securityOptions = service.List("security_opt");
        string? Option(string name) => securityOptions.Select(o => o.Text.Split(['=', ':'], 2))
            .Where(p => p.Length == 2 && p[0] == name).Select(p => p[1]).LastOrDefault();

        var networkMode = service.Value("network_mode")?.Text
            ?? (service.Values.ContainsKey("networks") ? "networks (a compose network)" : "default (the project's bridge network)");
        var mounts = service.List("volumes").Select(v => Mount(v, projectDirectory)).OfType<MountFact>().ToArray();
        var tmpfs = service.List("tmpfs").Select(t => Tmpfs(t)).ToList();
        tmpfs.AddRange(service.List("volumes").Where(v => v.Text.StartsWith("tmpfs:", StringComparison.Ordinal)).Select(t => new TmpfsFact(t.Text, 0, t.Location)));

        var gpus = service.Value("gpus") is null ? 0 : 1;
        var reservations = service.Values.Keys.Any(k => k.StartsWith("deploy.resources.reservations.devices", StringComparison.Ordinal)) ? 1 : 0;

        return new IsolationFacts
        {
            Source = FactSource.Compose,
            Origin = $"compose service {service.Name}",
            NetworkMode = networkMode,
            Privileged = IsTrue(service.Value("privileged")),
            CapAdd = service.List("cap_add").Select(c => c.Text).ToArray(),
            CapDrop = service.List("cap_drop").Select(c => c.Text).ToArray(),
            NoNewPrivileges = securityOptions.Any(o => o.Text is "no-new-privileges" or "no-new-privileges:true" or "no-new-privileges=true"),
            Seccomp = Option("seccomp") switch { null => "default", "unconfined" => "unconfined", _ => "custom" },
            AppArmor = Option("apparmor") ?? "default",
            SystemPathsUnmasked = Option("systempaths") == "unconfined",
            ReadOnlyRootFilesystem = IsTrue(service.Value("read_only")),
            User = service.Value("user")?.Text ?? "",
            PidMode = service.Value("pid")?.Text ?? "",
            IpcMode = service.Value("ipc")?.Text ?? "",
            UtsMode = service.Value("uts")?.Text ?? "",
            UsernsMode = service.Value("userns_mode")?.Text ?? "",
            CgroupnsMode = service.Value("cgroup")?.Text ?? "",
            Devices = service.List("devices").Select(d => d.Text).ToArray(),
            DeviceCgroupRules = service.List("device_cgroup_rules").Select(d => d.Text).ToArray(),
            DeviceRequests = gpus + reservations,
            Memory = ComposeReader.Bytes(service.Value("deploy.resources.limits.memory", "mem_limit")?.Text),
            MemorySwap = service.Value("memswap_limit")?.Text is { } swap ? swap.Trim() == "-1" ? -1 : ComposeReader.Bytes(swap) : 0,
            NanoCpus = double.TryParse(service.Value("deploy.resources.limits.cpus", "cpus")?.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var cpus)
                ? (long)(cpus * 1e9) : 0,
            PidsLimit = long.TryParse(service.Value("pids_limit", "deploy.resources.limits.pids")?.Text, CultureInfo.InvariantCulture, out var pids) ? pids : null,
            Tmpfs = tmpfs,
            Mounts = mounts,
            Environment = service.Environment.Select(e => new EnvFact(e.Key, e.Value.Text, e.Value.Location)).ToArray(),
            OutputTargets = OutputTargets(mounts, host),
            Locate = key => Locate(service, key),
        };
    }

    /// <summary>A compose file has no output declaration: a single writable bind mount of a dedicated folder is taken as the output.</summary>
    private static HashSet<string> OutputTargets(IEnumerable<MountFact> mounts, HostContext host)
    {
        var writable = mounts.Where(m => m.Type == "bind" && !m.ReadOnly).ToArray();
        return writable.Length == 1 && !host.IsHome(writable[0].Source) && writable[0].Source != host.RepositoryRoot
            ? new HashSet<string>([writable[0].Target], StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    private static MountFact? Mount(Located volume, string projectDirectory)
    {
        if (volume.Node is YamlDotNet.RepresentationModel.YamlMappingNode longSyntax)
        {
            string? Get(string key) => longSyntax.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode(key), out var v) ? (v as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value : null;
            var propagation = longSyntax.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("bind"), out var bind) && bind is YamlDotNet.RepresentationModel.YamlMappingNode b
                && b.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("propagation"), out var p) ? (p as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value ?? "" : "";
            var type = Get("type") ?? "volume";
            var source = Get("source") ?? "";
            return type == "tmpfs" ? null : new MountFact(type, type == "bind" ? Resolve(source, projectDirectory) : source, Get("target") ?? "",
                Get("read_only") is "true" or "yes", propagation, volume.Location);
        }

        var parts = volume.Text.Split(':');
        if (parts.Length < 2)
        {
            return null; // an anonymous volume: nothing of the host
        }

        var options = parts.Length > 2 ? parts[2].Split(',') : [];
        var isBind = parts[0].StartsWith('.') || parts[0].StartsWith('/') || parts[0].StartsWith('~');
        return new MountFact(isBind ? "bind" : "volume", isBind ? Resolve(parts[0], projectDirectory) : parts[0], parts[1],
            options.Contains("ro"), options.FirstOrDefault(Propagations.Contains) ?? "", volume.Location);
    }

    private static TmpfsFact Tmpfs(Located entry)
    {
        var parts = entry.Text.Split(':', 2);
        var size = parts.Length > 1 ? parts[1].Split(',').FirstOrDefault(o => o.StartsWith("size=", StringComparison.Ordinal))?[5..] : null;
        return new TmpfsFact(parts[0], ComposeReader.Bytes(size), entry.Location);
    }

    private static string Resolve(string path, string projectDirectory)
    {
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            path = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..];
        }

        var full = Path.GetFullPath(path, projectDirectory);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static bool IsTrue(Located? value) => value?.Text.Trim().ToLowerInvariant() is "true" or "yes" or "on";

    private static SourceLocation? Locate(ComposeService service, string key)
    {
        var located = key switch
        {
            "network" => service.Value("network_mode", "networks"),
            "no_new_privileges" or "seccomp" or "apparmor" or "system_paths" => service.List("security_opt").LastOrDefault(),
            "cap_add" or "cap_drop" or "devices" or "tmpfs" => service.List(key).FirstOrDefault(),
            "memory" => service.Value("deploy.resources.limits.memory", "mem_limit"),
            "cpus" => service.Value("deploy.resources.limits.cpus", "cpus"),
            "pids" => service.Value("pids_limit", "deploy.resources.limits.pids"),
            "mounts" => service.List("volumes").FirstOrDefault(),
            "env" => service.Environment.Values.FirstOrDefault(),
            _ => service.Value(key),
        };
        return (located ?? service.Declaration)?.Location;
    }
}
