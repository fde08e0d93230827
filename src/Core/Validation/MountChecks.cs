using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation;

/// <summary>
/// Judges every host mount: engine sockets (or a folder holding one), system folders, homes and credential
/// folders, writable mounts other than the output, and propagation. A mount is judged by its host path, so
/// renaming the target inside does not hide it.
/// </summary>
internal static class MountChecks
{
    /// <summary>Mounted themselves they expose the host; only the folder itself counts (a project under /usr/src is fine).</summary>
    private static readonly string[] SystemFolders = ["/", "/usr", "/var", "/lib", "/lib64", "/bin", "/sbin", "/opt", "/run", "/var/run", "/var/lib", "/srv", "/mnt", "/media"];

    /// <summary>Anything at or below these is the host's system or engine state: judged by prefix, never by exact name.</summary>
    private static readonly string[] SystemTrees =
    [
        "/etc", "/proc", "/sys", "/dev", "/boot", "/lib/modules", "/usr/lib/modules", "/var/lib/docker", "/var/lib/containerd", "/var/lib/kubelet",
        "/var/lib/containers", "/var/lib/rancher", "/var/lib/buildkit", "/var/lib/podman", "/run/docker", "/var/run/docker", "/run/containerd",
        "/var/run/containerd", "/run/podman", "/run/crio", "/run/user", "/var/run/user", "/run/secrets", "/var/run/secrets", "/var/log",
        "/var/lib/sandboxbuild", "/var/cache/sandboxbuild",
    ];

    /// <summary>Below a home folder, by prefix: credentials and configuration (`~/.config` holds gh, gcloud, NuGet and more).</summary>
    private static readonly string[] CredentialFolders =
    [
        ".aws", ".ssh", ".kube", ".azure", ".docker", ".config", ".microsoft", ".gnupg", ".git-credentials", ".gitconfig", ".npmrc", ".netrc",
        ".pypirc", ".m2", ".gradle", ".cargo/credentials", ".cargo/credentials.toml", ".terraform.d", ".vault-token", ".password-store",
        ".local/share/keyrings", ".pki", ".dotnet/corefx", ".helm", ".oci", ".bash_history", ".gem/credentials",
    ];

    public static IEnumerable<Finding> Judge(IsolationFacts f, HostContext host)
    {
        var findings = new List<Finding>();
        foreach (var mount in f.Mounts.Where(m => m.Type == "bind"))
        {
            findings.AddRange(JudgeOne(f, mount, host));
        }

        // One pass line per check when no mount failed it, so the report shows it was looked at.
        foreach (var code in new[] { Codes.EngineSocketMounted, Codes.CredentialsMounted, Codes.SystemFolderMounted, Codes.WritableHostMount, Codes.MountPropagation })
        {
            if (!findings.Any(x => x.Code == code))
            {
                findings.Add(Finding.Pass(code, f.Source, "mounts", $"{f.Mounts.Count} mounts", "none of this kind"));
            }
        }

        return findings;
    }

    private static IEnumerable<Finding> JudgeOne(IsolationFacts f, MountFact mount, HostContext host)
    {
        var source = Normalize(mount.Source);
        var subject = $"mount {mount.Target}";
        var seen = $"{mount.Source} ({(mount.ReadOnly ? "read-only" : "writable")})";
        var location = mount.Location ?? f.Locate("mounts");

        if (IsEngineSocketPath(source, host))
        {
            yield return Finding.Fail(Codes.EngineSocketMounted, f.Source, subject, seen, "no engine socket or folder holding one", location);
        }

        if (SystemFolders.Contains(source, StringComparer.Ordinal) || SystemTrees.Any(t => Policy.HostPath.IsWithin(source, t)))
        {
            yield return Finding.Fail(Codes.SystemFolderMounted, f.Source, subject, seen, "no system folder of the host", location);
        }

        if (CredentialReason(source, mount.ReadOnly, host) is { } why)
        {
            yield return Finding.Fail(Codes.CredentialsMounted, f.Source, subject, $"{seen}: {why}", "no home or credential folder", location);
        }

        if (!mount.ReadOnly && WritableReason(source, mount.Target, f, host) is { } writable)
        {
            yield return Finding.Fail(writable.Code, f.Source, subject, $"{seen}: {writable.Why}", "read-only (only the output folder may be writable)", location);
        }

        if (mount.Propagation is "shared" or "rshared" or "slave" or "rslave")
        {
            yield return Finding.Fail(Codes.MountPropagation, f.Source, subject, $"propagation {mount.Propagation}", "private", location);
        }
    }

    private static bool IsEngineSocketPath(string source, HostContext host)
    {
        if (source == "/")
        {
            return false; // reported as a system folder
        }

        var name = Path.GetFileName(source);
        if (name.EndsWith(".sock", StringComparison.Ordinal) && (name.Contains("docker", StringComparison.Ordinal) || name.Contains("containerd", StringComparison.Ordinal)
            || name.Contains("podman", StringComparison.Ordinal) || name.Contains("crio", StringComparison.Ordinal)))
        {
            return true;
        }

        // The socket itself, or any folder that holds it (/var/run, /run, /var).
        return host.EngineSockets.Any(s => s == source || s.StartsWith(source + "/", StringComparison.Ordinal));
    }

    private static string? CredentialReason(string source, bool readOnly, HostContext host)
    {
        if (host.IsHome(source))
        {
            return "a home folder";
        }

        if (source is "/home" or "/Users")
        {
            return "the folder of all homes";
        }

        if (host.SshAgentSocket is { Length: > 0 } agent && (source == agent || agent.StartsWith(source + "/", StringComparison.Ordinal)))
        {
            return "the SSH agent socket";
        }

        if (source.Contains("/ssh-", StringComparison.Ordinal) && Path.GetFileName(source).StartsWith("agent.", StringComparison.Ordinal))
        {
            return "an SSH agent socket";
        }

        foreach (var home in host.HomesOf(source))
        {
            var inside = source[(home.Length + 1)..];
            if (CredentialFolders.Any(c => inside == c || inside.StartsWith(c + "/", StringComparison.Ordinal)))
            {
                return $"credentials under {home}";
            }

            // The package cache is shared read-only on purpose; writable, it would let the sandbox plant packages.
            // Anything else under ~/.nuget (NuGet/NuGet.Config with feed passwords, credential plugins) is credentials.
            if (inside == ".nuget/packages" || inside.StartsWith(".nuget/packages/", StringComparison.Ordinal))
            {
                if (!readOnly)
                {
                    return "the NuGet package cache, writable";
                }
            }
            else if (inside == ".nuget" || inside.StartsWith(".nuget/", StringComparison.Ordinal))
            {
                return $"NuGet configuration and credentials under {home}";
            }
        }

        return null;
    }

    private static (SandboxCode Code, string Why)? WritableReason(string source, string target, IsolationFacts f, HostContext host)
    {
        if (host.RepositoryRoot is { } repo)
        {
            if (source == repo || repo.StartsWith(source + "/", StringComparison.Ordinal))
            {
                return (Codes.WritableHostMount, "the repository is writable");
            }

            if (source.StartsWith(repo + "/", StringComparison.Ordinal))
            {
                var parts = source[(repo.Length + 1)..].Split('/');
                return parts.Any(p => p is "bin" or "obj")
                    ? (Codes.WritableHostMount, "build output the host imports (bin/ or obj/) is writable")
                    : (Codes.WritableHostMount, "a folder inside the repository is writable; the host reads it later");
            }
        }

        return f.OutputTargets.Contains(target) ? null : (Codes.WritableHostMount, "not the output folder");
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
