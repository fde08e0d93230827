using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// Reads a policy back from its canonical JSON (<see cref="PolicyCanonical"/>), as an approved baseline
/// records it, so the baseline can serve as the trusted floor. Every key must be there: a baseline that
/// lost a setting is refused, not filled in with a default.
/// </summary>
public static class CanonicalPolicyReader
{
    /// <summary>The approved policy recorded in a baseline file (its `policy` object).</summary>
    public static SandboxPolicy ReadBaseline(string file)
    {
        JsonObject? policy;
        try
        {
            policy = JsonNode.Parse(File.ReadAllText(file))?["policy"] as JsonObject;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw new SandboxException(Codes.BaselineInvalid, $"The baseline '{file}' cannot be read: {e.Message}", location: new SourceLocation(file, 0));
        }

        return Read(policy ?? throw new SandboxException(Codes.BaselineInvalid, $"The baseline '{file}' records no policy.", location: new SourceLocation(file, 0)), file);
    }

    public static SandboxPolicy Read(JsonObject policy, string file)
    {
        try
        {
            // As text and back, so every number reads the same whether the node was parsed or built in memory.
            var node = (JsonObject)JsonNode.Parse(policy.ToJsonString())!;
            var source = Object(node, "source");
            var output = Object(node, "output");
            var env = Object(node, "env");
            var artifacts = Object(node, "artifacts");
            return new SandboxPolicy
            {
                Image = Text(node, "image"),
                Network = Text(node, "network"),
                User = Text(node, "user"),
                Privileged = Flag(node, "privileged"),
                CapDrop = List(node, "cap_drop"),
                CapAdd = List(node, "cap_add"),
                NoNewPrivileges = Flag(node, "no_new_privileges"),
                Seccomp = Text(node, "seccomp"),
                SeccompSha256 = node["seccomp_sha256"]?.GetValue<string>(),
                AppArmor = Text(node, "apparmor"),
                SystemPaths = Text(node, "system_paths"),
                ReadOnlyRootFilesystem = Flag(node, "read_only"),
                Tmpfs = new SortedDictionary<string, long>(Object(node, "tmpfs").ToDictionary(t => t.Key, t => Required(t.Value, $"tmpfs.{t.Key}").GetValue<long>()), StringComparer.Ordinal),
                WorkspaceSize = Number(node, "workspace_size"),
                Memory = Number(node, "memory"),
                // The canonical form writes "no swap beyond memory" as memory_swap == memory; it reads back as unset,
                // so a repository that lowers memory is not taken to ask for the difference as swap.
                MemorySwap = Number(node, "memory_swap") is var swap && swap == Number(node, "memory") ? null : swap,
                Cpus = Required(node["cpus"], "cpus").GetValue<double>(),
                Pids = Number(node, "pids"),
                Timeout = TimeSpan.FromSeconds(Number(node, "timeout_seconds")),
                SourceTarget = Text(source, "target"),
                SourceReadOnly = Flag(source, "read_only"),
                OutputPath = Text(output, "path"),
                OutputTarget = Text(output, "target"),
                Mounts = List(node, "mounts").Select(ParseMount).ToArray(),
                EnvAllow = List(env, "allow"),
                EnvSet = new SortedDictionary<string, string>(Object(env, "set").ToDictionary(e => e.Key, e => Required(e.Value, $"env.set.{e.Key}").GetValue<string>()), StringComparer.Ordinal),
                Devices = List(node, "devices"),
                PidMode = Text(node, "pid"),
                IpcMode = Text(node, "ipc"),
                UtsMode = Text(node, "uts"),
                UsernsMode = Text(node, "userns_mode"),
                CgroupnsMode = Text(node, "cgroup"),
                Artifacts = new ArtifactPolicy
                {
                    Include = List(artifacts, "include"),
                    MaxFiles = (int)Number(artifacts, "max_files"),
                    MaxFileSize = Number(artifacts, "max_file_size"),
                    MaxTotalSize = Number(artifacts, "max_total_size"),
                    Secrets = Text(artifacts, "secrets") == "warn" ? SecretAction.Warn : SecretAction.Block,
                },
                Origin = new PolicyOrigin(file, new Dictionary<string, int>()),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            throw new SandboxException(Codes.BaselineInvalid, $"The baseline '{file}' does not hold a complete policy: {e.Message}", location: new SourceLocation(file, 0));
        }
    }

    private static JsonNode Required(JsonNode? node, string key) => node ?? throw new InvalidOperationException($"'{key}' is missing");

    private static JsonObject Object(JsonObject node, string key) => Required(node[key], key) as JsonObject ?? throw new InvalidOperationException($"'{key}' is not an object");

    private static string Text(JsonObject node, string key) => Required(node[key], key).GetValue<string>();

    private static bool Flag(JsonObject node, string key) => Required(node[key], key).GetValue<bool>();

    private static long Number(JsonObject node, string key) => Required(node[key], key).GetValue<long>();

    private static string[] List(JsonObject node, string key) =>
        (Required(node[key], key) as JsonArray ?? throw new InvalidOperationException($"'{key}' is not a list")).Select(v => Required(v, key).GetValue<string>()).ToArray();

    private static MountSpec ParseMount(string text)
    {
        // The canonical form is source:target:mode; a source may itself hold ':' only in odd paths, so split from the end.
        var mode = text[(text.LastIndexOf(':') + 1)..];
        var rest = text[..text.LastIndexOf(':')];
        var target = rest[(rest.LastIndexOf(':') + 1)..];
        return new MountSpec(rest[..rest.LastIndexOf(':')], target, mode != "rw");
    }
}
