using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// The canonical form of a policy: stable JSON with sorted keys and normalized units. Its SHA-256 is the
/// policy's identity in baselines, provenance and the audit log.
/// </summary>
public static class PolicyCanonical
{
    public static JsonObject ToNode(SandboxPolicy p)
    {
        var node = Node(p);
        // Only a pinned custom profile adds the key, so the identity of every other policy stays as it was.
        if (p.SeccompSha256 is { } pin)
        {
            node["seccomp_sha256"] = pin;
        }

        return node;
    }

    private static JsonObject Node(SandboxPolicy p) => new()
    {
        ["image"] = p.Image,
        ["network"] = p.Network,
        ["user"] = p.User,
        ["privileged"] = p.Privileged,
        ["cap_drop"] = Array(p.CapDrop.Select(c => c.ToUpperInvariant()).Order(StringComparer.Ordinal)),
        ["cap_add"] = Array(p.CapAdd.Select(c => c.ToUpperInvariant()).Order(StringComparer.Ordinal)),
        ["no_new_privileges"] = p.NoNewPrivileges,
        ["seccomp"] = p.Seccomp,
        ["apparmor"] = p.AppArmor,
        ["system_paths"] = p.SystemPaths,
        ["read_only"] = p.ReadOnlyRootFilesystem,
        ["tmpfs"] = new JsonObject(p.Tmpfs.OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => KeyValuePair.Create(t.Key, (JsonNode?)JsonValue.Create(t.Value)))),
        ["workspace_size"] = p.WorkspaceSize,
        ["memory"] = p.Memory,
        ["memory_swap"] = p.MemorySwap ?? p.Memory,
        ["cpus"] = p.Cpus,
        ["pids"] = p.Pids,
        ["timeout_seconds"] = (long)p.Timeout.TotalSeconds,
        ["source"] = new JsonObject { ["target"] = p.SourceTarget, ["read_only"] = p.SourceReadOnly },
        ["output"] = new JsonObject { ["path"] = p.OutputPath, ["target"] = p.OutputTarget },
        ["mounts"] = Array(p.Mounts.Select(m => m.ToString()).Order(StringComparer.Ordinal)),
        ["env"] = new JsonObject
        {
            ["allow"] = Array(p.EnvAllow.Order(StringComparer.Ordinal)),
            ["set"] = new JsonObject(p.EnvSet.OrderBy(e => e.Key, StringComparer.Ordinal)
                .Select(e => KeyValuePair.Create(e.Key, (JsonNode?)JsonValue.Create(e.Value)))),
        },
        ["devices"] = Array(p.Devices.Order(StringComparer.Ordinal)),
        ["pid"] = p.PidMode,
        ["ipc"] = p.IpcMode,
        ["uts"] = p.UtsMode,
        ["userns_mode"] = p.UsernsMode,
        ["cgroup"] = p.CgroupnsMode,
        ["artifacts"] = new JsonObject
        {
            ["include"] = Array(p.Artifacts.Include),
            ["max_files"] = p.Artifacts.MaxFiles,
            ["max_file_size"] = p.Artifacts.MaxFileSize,
            ["max_total_size"] = p.Artifacts.MaxTotalSize,
            ["secrets"] = p.Artifacts.Secrets.ToString().ToLowerInvariant(),
        },
    };

    public static string ToJson(SandboxPolicy policy) => ToNode(policy).ToJsonString(JsonText.Compact);

    public static string Sha256(SandboxPolicy policy) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson(policy))));

    public static string Describe(double cpus) => cpus.ToString("0.###", CultureInfo.InvariantCulture);

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
}
