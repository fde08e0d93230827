using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Validation;

/// <summary>The isolation facts a policy promises, before any container exists.</summary>
public static class PolicyFacts
{
    public const string PrivateOutputFolder = "(private output folder)";

    public static IsolationFacts From(SandboxPolicy policy, string sourceDirectory)
    {
        var origin = policy.Origin;
        var mounts = new List<MountFact>
        {
            new("bind", Path.GetFullPath(sourceDirectory), policy.SourceTarget, policy.SourceReadOnly, "rprivate", origin.Locate("source.read_only")),
            new("bind", PrivateOutputFolder, policy.OutputTarget, ReadOnly: false, "rprivate", origin.Locate("output")),
        };
        mounts.AddRange(Engine.SandboxLayout.ResolveExtraMounts(policy, sourceDirectory)
            .Select(m => new MountFact("bind", m.Source, m.Target, m.ReadOnly, "rprivate", origin.Locate($"mounts.{m.Target}"))));

        return new IsolationFacts
        {
            Source = FactSource.Policy,
            Origin = origin.File ?? "built-in defaults",
            NetworkMode = policy.Network,
            Privileged = policy.Privileged,
            CapAdd = policy.CapAdd,
            CapDrop = policy.CapDrop,
            NoNewPrivileges = policy.NoNewPrivileges,
            Seccomp = policy.Seccomp is "default" or "unconfined" ? policy.Seccomp : "custom",
            SeccompProfileSha256 = policy.Seccomp is "default" or "unconfined" ? null : SeccompProfile.Sha256OfFile(policy.Seccomp),
            AppArmor = policy.AppArmor,
            SystemPathsUnmasked = policy.SystemPaths == "unconfined",
            ReadOnlyRootFilesystem = policy.ReadOnlyRootFilesystem,
            User = policy.User,
            PidMode = policy.PidMode,
            IpcMode = policy.IpcMode,
            UtsMode = policy.UtsMode,
            UsernsMode = policy.UsernsMode,
            CgroupnsMode = policy.CgroupnsMode,
            Devices = policy.Devices,
            Memory = policy.Memory,
            // As the engine reads it: 0 is "unset", which it turns into twice the memory.
            MemorySwap = policy.MemorySwap switch { null => policy.Memory, 0 when policy.Memory > 0 => policy.Memory * 2, { } swap => swap },
            NanoCpus = (long)(policy.Cpus * 1e9),
            PidsLimit = policy.Pids,
            Tmpfs = policy.Tmpfs.Select(t => new TmpfsFact(t.Key, t.Value, origin.Locate($"tmpfs.{t.Key}"))).ToArray(),
            Mounts = mounts,
            Environment = policy.EnvSet.Select(e => new EnvFact(e.Key, e.Value, origin.Locate($"env.set.{e.Key}")))
                .Concat(policy.EnvAllow.Select(name => new EnvFact(name, "(from the host)", origin.Locate("env.allow"))))
                .ToArray(),
            Timeout = policy.Timeout,
            OutputTargets = new HashSet<string>([policy.OutputTarget], StringComparer.Ordinal),
            Locate = origin.Locate,
        };
    }
}
