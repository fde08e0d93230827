using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Restore;

/// <summary>
/// The restore sandbox's policy: the run's policy, tightened where restore needs nothing and held to the
/// hardened default where the run's policy is weaker. It never gets the policy's extra mounts, passed-in
/// variables, devices or host namespaces; its writable host folders are its own fresh package and results
/// folders. So it is never weaker than the build sandbox, and often stronger.
/// </summary>
public static class RestorePolicy
{
    public static SandboxPolicy From(SandboxPolicy policy)
    {
        var hardened = SandboxPolicy.Default;
        var (uid, _) = Engine.SandboxSpec.NumericUser(policy.User);
        return policy with
        {
            Network = "none",
            Privileged = false,
            CapAdd = [],
            CapDrop = ["ALL"],
            NoNewPrivileges = true,
            Seccomp = policy.Seccomp == "unconfined" ? hardened.Seccomp : policy.Seccomp,
            AppArmor = policy.AppArmor == "unconfined" ? hardened.AppArmor : policy.AppArmor,
            SystemPaths = hardened.SystemPaths,
            ReadOnlyRootFilesystem = true,
            User = uid is > 0 ? policy.User : hardened.User,
            Tmpfs = new SortedDictionary<string, long>(policy.Tmpfs.Where(t => t.Value > 0).ToDictionary(), StringComparer.Ordinal) is { Count: > 0 } sized ? sized : hardened.Tmpfs,
            WorkspaceSize = policy.WorkspaceSize > 0 ? policy.WorkspaceSize : hardened.WorkspaceSize,
            Memory = policy.Memory > 0 ? policy.Memory : hardened.Memory,
            MemorySwap = policy.MemorySwap is { } swap && swap >= 0 && swap <= policy.Memory ? swap : null,
            Cpus = policy.Cpus > 0 ? policy.Cpus : hardened.Cpus,
            Pids = policy.Pids > 0 ? policy.Pids : hardened.Pids,
            Timeout = policy.Timeout > TimeSpan.Zero ? policy.Timeout : hardened.Timeout,
            SourceReadOnly = true,
            OutputTarget = RestoreLayout.ResultsTarget,
            Mounts = [],
            EnvAllow = [],
            EnvSet = new SortedDictionary<string, string>(StringComparer.Ordinal),
            Devices = [],
            PidMode = "",
            IpcMode = "private",
            UtsMode = "",
            UsernsMode = "",
            CgroupnsMode = "private",
        };
    }
}
