using System.Globalization;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Engine;

/// <summary>
/// Turns a policy and a layout into the engine's create request, field by field. Nothing here is a default
/// of its own: what the sandbox gets is what the policy says, so what validation judges is what runs.
/// </summary>
public static class SandboxSpec
{
    public static CreateContainerParameters Create(
        SandboxPolicy policy,
        SandboxLayout layout,
        IReadOnlyDictionary<string, string> environment,
        IDictionary<string, string> labels,
        TimeSpan lifetime,
        IHostPaths hostPaths)
    {
        var (uid, gid) = NumericUser(policy.User);
        return new CreateContainerParameters
        {
            Image = policy.Image,
            User = policy.User,
            // The engine refuses a hostname together with a shared network or UTS namespace. Unique per run, so
            // parallel sandboxes never write same-named results (TRX files are named after the machine).
            Hostname = policy.Network.StartsWith("container:", StringComparison.Ordinal) || policy.Network == "host" || policy.UtsMode == "host"
                ? ""
                : $"sandbox-{labels[SandboxLabels.Run][Math.Max(0, labels[SandboxLabels.Run].Length - 8)..]}",
            Env = SandboxEnvironment.ToList(environment),
            WorkingDir = SandboxPolicy.BuildTarget,
            // The container idles until the host execs into it, and ends by itself after its lifetime even if
            // the host process dies; the next run's janitor removes what is left.
            Entrypoint = ["/bin/sleep"],
            Cmd = [((long)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture)],
            Labels = labels,
            HostConfig = new HostConfig
            {
                NetworkMode = policy.Network,
                Privileged = policy.Privileged,
                CapDrop = policy.CapDrop.ToList(),
                CapAdd = policy.CapAdd.ToList(),
                SecurityOpt = SecurityOptions(policy),
                MaskedPaths = policy.SystemPaths == "unconfined" ? [] : null!,
                ReadonlyPaths = policy.SystemPaths == "unconfined" ? [] : null!,
                ReadonlyRootfs = policy.ReadOnlyRootFilesystem,
                Tmpfs = Tmpfs(policy, uid, gid),
                Memory = policy.Memory,
                MemorySwap = policy.MemorySwap ?? policy.Memory,
                NanoCPUs = (long)(policy.Cpus * 1_000_000_000),
                PidsLimit = policy.Pids > 0 ? policy.Pids : null,
                Mounts = Mounts(policy, layout, hostPaths),
                Devices = policy.Devices.Select(Device).ToList(),
                PidMode = policy.PidMode,
                IpcMode = policy.IpcMode,
                UTSMode = policy.UtsMode,
                UsernsMode = policy.UsernsMode,
                CgroupnsMode = policy.CgroupnsMode,
                Init = true,
                AutoRemove = false,
                LogConfig = new LogConfig { Type = "json-file", Config = new Dictionary<string, string> { ["max-size"] = "10m", ["max-file"] = "2" } },
            },
        };
    }

    /// <summary>The uid and gid of a numeric `uid[:gid]` user, for tmpfs ownership; null for a named user.</summary>
    public static (int? Uid, int? Gid) NumericUser(string user)
    {
        var parts = user.Split(':');
        int? uid = int.TryParse(parts[0], CultureInfo.InvariantCulture, out var u) ? u : null;
        int? gid = parts.Length > 1 && int.TryParse(parts[1], CultureInfo.InvariantCulture, out var g) ? g : uid;
        return (uid, gid);
    }

    private static List<string> SecurityOptions(SandboxPolicy policy)
    {
        var options = new List<string>();
        if (policy.NoNewPrivileges)
        {
            options.Add("no-new-privileges:true");
        }

        switch (policy.Seccomp)
        {
            case "default":
                break;
            case "unconfined":
                options.Add("seccomp=unconfined");
                break;
            default:
                // Like the Docker CLI: the engine takes the profile's content, not its path.
                options.Add($"seccomp={ReadProfile(policy)}");
                break;
        }

        if (policy.AppArmor != "default")
        {
            options.Add($"apparmor={policy.AppArmor}");
        }

        return options;
    }

    private static string ReadProfile(SandboxPolicy policy)
    {
        try
        {
            // Read once and checked against the trusted pin here, so the bytes the engine gets are the ones judged.
            return SeccompProfile.ReadPinned(policy.Seccomp, policy.SeccompSha256);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxException(Codes.PolicyInvalid, $"The seccomp profile '{policy.Seccomp}' cannot be read: {e.Message}",
                location: policy.Origin.Locate("seccomp"));
        }
    }

    private static Dictionary<string, string> Tmpfs(SandboxPolicy policy, int? uid, int? gid)
    {
        var owner = uid is { } u ? $",uid={u},gid={gid ?? u}" : "";
        var tmpfs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, size) in policy.Tmpfs)
        {
            // exec: test hosts load native libraries from the build output; nosuid and nodev still hold.
            var mode = path == SandboxPolicy.SandboxHome ? $",mode=0700{owner}" : path == "/tmp" ? ",mode=1777" : $",mode=0755{owner}";
            tmpfs[path] = size > 0 ? $"rw,nosuid,nodev,exec,size={size}{mode}" : $"rw,nosuid,nodev,exec{mode}";
        }

        tmpfs[SandboxPolicy.BuildTarget] = $"rw,nosuid,nodev,exec,size={policy.WorkspaceSize},mode=0755{owner}";
        return tmpfs;
    }

    private static List<Mount> Mounts(SandboxPolicy policy, SandboxLayout layout, IHostPaths hostPaths)
    {
        var mounts = new List<Mount>
        {
            Bind(hostPaths.ToHost(layout.SourceDirectory), policy.SourceTarget, policy.SourceReadOnly),
            Bind(hostPaths.ToHost(layout.OutputDirectory), policy.OutputTarget, readOnly: false),
        };
        mounts.AddRange(layout.PackageFolders.Select((folder, i) => Bind(hostPaths.ToHost(folder), SandboxLayout.PackageTarget(i), readOnly: true)));
        mounts.AddRange(layout.ExtraMounts.Select(m => Bind(hostPaths.ToHost(m.Source), m.Target, m.ReadOnly)));
        if (layout.ProbeVolume is { } volume)
        {
            mounts.Add(new Mount
            {
                Type = "volume",
                Source = volume,
                Target = SandboxLayout.ProbeMount,
                ReadOnly = true,
                VolumeOptions = new VolumeOptions { NoCopy = true },
            });
        }

        return mounts;
    }

    internal static Mount Bind(string source, string target, bool readOnly) => new()
    {
        Type = "bind",
        Source = source,
        Target = target,
        ReadOnly = readOnly,
        BindOptions = new BindOptions { Propagation = "rprivate" },
    };

    private static DeviceMapping Device(string spec)
    {
        var parts = spec.Split(':');
        return new DeviceMapping
        {
            PathOnHost = parts[0],
            PathInContainer = parts.Length > 1 ? parts[1] : parts[0],
            CgroupPermissions = parts.Length > 2 ? parts[2] : "rwm",
        };
    }
}
