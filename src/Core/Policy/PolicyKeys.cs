using YamlDotNet.RepresentationModel;

namespace SandboxBuild.Policy;

/// <summary>The keys of `sandbox.yml`: one entry per key, each reading its value onto the policy.</summary>
internal static class PolicyKeys
{
    private delegate SandboxPolicy Reader(SandboxPolicy policy, YamlNode value, YamlValues read, Dictionary<string, int> lines);

    private static readonly Dictionary<string, Reader> TopLevel = new(StringComparer.Ordinal)
    {
        ["image"] = (p, v, r, _) => r.Scalar(v, "image") is { Length: > 0 } s ? p with { Image = s } : Invalid(p, r, v, "'image' must not be empty."),
        ["network"] = (p, v, r, _) => r.Scalar(v, "network") is { Length: > 0 } s ? p with { Network = s } : Invalid(p, r, v, "'network' must not be empty."),
        ["user"] = (p, v, r, _) => r.Scalar(v, "user") is { } s ? p with { User = s } : p,
        ["privileged"] = (p, v, r, _) => r.Bool(v, "privileged") is { } b ? p with { Privileged = b } : p,
        ["cap_drop"] = (p, v, r, _) => r.List(v, "cap_drop") is { } l ? p with { CapDrop = l } : p,
        ["cap_add"] = (p, v, r, _) => r.List(v, "cap_add") is { } l ? p with { CapAdd = l } : p,
        ["no_new_privileges"] = (p, v, r, _) => r.Bool(v, "no_new_privileges") is { } b ? p with { NoNewPrivileges = b } : p,
        ["seccomp"] = (p, v, r, _) => r.Scalar(v, "seccomp") is { Length: > 0 } s ? p with { Seccomp = s } : p,
        ["seccomp_sha256"] = (p, v, r, _) => r.Scalar(v, "seccomp_sha256") is { } s
            ? s.Trim().ToLowerInvariant() is { Length: 64 } h && h.All(char.IsAsciiHexDigit) ? p with { SeccompSha256 = h } : Invalid(p, r, v, "'seccomp_sha256' must be 64 hex digits.")
            : p,
        ["apparmor"] = (p, v, r, _) => r.Scalar(v, "apparmor") is { Length: > 0 } s ? p with { AppArmor = s } : p,
        ["system_paths"] = (p, v, r, _) => OneOf(r, v, "system_paths", "masked", "unconfined") is { } s ? p with { SystemPaths = s } : p,
        ["read_only"] = (p, v, r, _) => r.Bool(v, "read_only") is { } b ? p with { ReadOnlyRootFilesystem = b } : p,
        ["tmpfs"] = ReadTmpfs,
        ["workspace_size"] = (p, v, r, _) => r.Bytes(v, "workspace_size") is { } b ? p with { WorkspaceSize = b } : p,
        ["memory"] = (p, v, r, _) => r.Bytes(v, "memory", allowUnlimited: true) is { } b ? p with { Memory = Math.Max(b, 0) } : p,
        ["memory_swap"] = (p, v, r, _) => r.Bytes(v, "memory_swap", allowUnlimited: true) is { } b ? p with { MemorySwap = b } : p,
        ["cpus"] = (p, v, r, _) => r.Number(v, "cpus", 0) is { } n ? p with { Cpus = n } : p,
        ["pids"] = (p, v, r, _) => r.Integer(v, "pids", 0) is { } n ? p with { Pids = n } : p,
        ["timeout"] = (p, v, r, _) => r.Duration(v, "timeout") is { } d ? p with { Timeout = d } : p,
        ["source"] = ReadSource,
        ["output"] = ReadOutput,
        ["mounts"] = ReadMounts,
        ["env"] = ReadEnvironment,
        ["devices"] = (p, v, r, _) => r.List(v, "devices") is { } l ? p with { Devices = l } : p,
        ["pid"] = (p, v, r, _) => r.Scalar(v, "pid") is { } s ? p with { PidMode = s } : p,
        ["ipc"] = (p, v, r, _) => r.Scalar(v, "ipc") is { } s ? p with { IpcMode = s } : p,
        ["uts"] = (p, v, r, _) => r.Scalar(v, "uts") is { } s ? p with { UtsMode = s } : p,
        ["userns_mode"] = (p, v, r, _) => r.Scalar(v, "userns_mode") is { } s ? p with { UsernsMode = s } : p,
        ["cgroup"] = (p, v, r, _) => r.Scalar(v, "cgroup") is { } s ? p with { CgroupnsMode = s } : p,
        ["artifacts"] = ReadArtifacts,
    };

    public static IReadOnlyCollection<string> Names => TopLevel.Keys;

    public static SandboxPolicy Apply(SandboxPolicy policy, YamlMappingNode root, YamlValues read, Dictionary<string, int> lines)
    {
        foreach (var (keyNode, value) in root.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!TopLevel.TryGetValue(key, out var reader))
            {
                read.Problem(keyNode, UnknownKey(key, TopLevel.Keys));
                continue;
            }

            lines[key] = (int)keyNode.Start.Line;
            policy = reader(policy, value, read, lines);
        }

        return policy;
    }

    private static SandboxPolicy ReadTmpfs(SandboxPolicy p, YamlNode v, YamlValues r, Dictionary<string, int> lines)
    {
        if (r.Mapping(v, "tmpfs") is not { } map)
        {
            return p;
        }

        var tmpfs = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (k, size) in map.Children)
        {
            var path = (k as YamlScalarNode)?.Value ?? "";
            if (!path.StartsWith('/'))
            {
                r.Problem(k, $"tmpfs path '{path}' must be absolute.");
                continue;
            }

            // An empty size is kept as 0 so validation reports the unsized tmpfs instead of guessing one.
            tmpfs[path] = size is YamlScalarNode { Value: null or "" } ? 0 : r.Bytes(size, $"tmpfs {path}") ?? 0;
            lines[$"tmpfs.{path}"] = (int)k.Start.Line;
        }

        return p with { Tmpfs = tmpfs };
    }

    private static SandboxPolicy ReadSource(SandboxPolicy p, YamlNode v, YamlValues r, Dictionary<string, int> lines) =>
        ReadSection(p, v, r, lines, "source", new()
        {
            ["target"] = (q, n) => AbsolutePath(r, n, "source.target") is { } s ? q with { SourceTarget = s } : q,
            ["read_only"] = (q, n) => r.Bool(n, "source.read_only") is { } b ? q with { SourceReadOnly = b } : q,
        });

    private static SandboxPolicy ReadOutput(SandboxPolicy p, YamlNode v, YamlValues r, Dictionary<string, int> lines) =>
        ReadSection(p, v, r, lines, "output", new()
        {
            ["path"] = (q, n) => r.Scalar(n, "output.path") is { Length: > 0 } s ? q with { OutputPath = s } : q,
            ["target"] = (q, n) => AbsolutePath(r, n, "output.target") is { } s ? q with { OutputTarget = s } : q,
        });

    private static SandboxPolicy ReadArtifacts(SandboxPolicy p, YamlNode v, YamlValues r, Dictionary<string, int> lines) =>
        ReadSection(p, v, r, lines, "artifacts", new()
        {
            ["include"] = (q, n) => r.List(n, "artifacts.include") is { } l ? q with { Artifacts = q.Artifacts with { Include = l } } : q,
            ["max_files"] = (q, n) => r.Integer(n, "artifacts.max_files", 1) is { } i
                ? q with { Artifacts = q.Artifacts with { MaxFiles = (int)Math.Min(i, int.MaxValue) } } : q,
            ["max_file_size"] = (q, n) => r.Bytes(n, "artifacts.max_file_size") is { } b ? q with { Artifacts = q.Artifacts with { MaxFileSize = b } } : q,
            ["max_total_size"] = (q, n) => r.Bytes(n, "artifacts.max_total_size") is { } b ? q with { Artifacts = q.Artifacts with { MaxTotalSize = b } } : q,
            ["secrets"] = (q, n) => OneOf(r, n, "artifacts.secrets", "block", "warn") is { } s
                ? q with { Artifacts = q.Artifacts with { Secrets = s == "warn" ? SecretAction.Warn : SecretAction.Block } } : q,
        });

    private static SandboxPolicy ReadEnvironment(SandboxPolicy p, YamlNode v, YamlValues r, Dictionary<string, int> lines) =>
        ReadSection(p, v, r, lines, "env", new()
        {
            ["allow"] = (q, n) => r.List(n, "env.allow") is { } l ? q with { EnvAllow = l } : q,
            ["set"] = (q, n) =>
            {
                if (r.Mapping(n, "env.set") is not { } map)
                {
                    return q;
                }

                var set = new SortedDictionary<string, string>(StringComparer.Ordinal);
                foreach (var (k, value) in map.Children)
                {
                    var name = (k as YamlScalarNode)?.Value ?? "";
                    lines[$"env.set.{name}"] = (int)k.Start.Line;
                    if (r.Scalar(value, $"env.set.{name}") is { } s)
                    {
                        set[name] = s;
                    }
                }

                return q with { EnvSet = set };
            },
        });

    private static SandboxPolicy ReadMounts(SandboxPolicy p, YamlNode v, YamlValues r, Dictionary<string, int> lines)
    {
        if (v is not YamlSequenceNode sequence)
        {
            r.Problem(v, "'mounts' must be a list of 'host:target[:ro|rw]' entries.");
            return p;
        }

        var mounts = new List<MountSpec>();
        foreach (var item in sequence)
        {
            var text = r.Scalar(item, "mounts") ?? "";
            var parts = text.Split(':');
            if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || !parts[1].StartsWith('/') || (parts.Length == 3 && parts[2] is not ("ro" or "rw")))
            {
                r.Problem(item, $"mount '{text}' must look like 'host/path:/target[:ro|rw]'.");
                continue;
            }

            lines[$"mounts.{parts[1]}"] = (int)item.Start.Line;
            // A mount without a mode is read-only: the safe default, unlike Docker's.
            mounts.Add(new MountSpec(parts[0], parts[1], parts.Length == 2 || parts[2] == "ro"));
        }

        return p with { Mounts = mounts };
    }

    private static SandboxPolicy ReadSection(
        SandboxPolicy policy, YamlNode node, YamlValues read, Dictionary<string, int> lines, string section,
        Dictionary<string, Func<SandboxPolicy, YamlNode, SandboxPolicy>> keys)
    {
        if (read.Mapping(node, section) is not { } map)
        {
            return policy;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!keys.TryGetValue(key, out var apply))
            {
                read.Problem(keyNode, UnknownKey($"{section}.{key}", keys.Keys.Select(k => $"{section}.{k}")));
                continue;
            }

            lines[$"{section}.{key}"] = (int)keyNode.Start.Line;
            policy = apply(policy, value);
        }

        return policy;
    }

    private static string? OneOf(YamlValues read, YamlNode node, string key, params string[] allowed)
    {
        var text = read.Scalar(node, key);
        if (text is null || allowed.Contains(text, StringComparer.Ordinal))
        {
            return text;
        }

        read.Problem(node, $"'{key}' must be one of {string.Join(", ", allowed)}, not '{text}'.");
        return null;
    }

    private static string? AbsolutePath(YamlValues read, YamlNode node, string key)
    {
        var text = read.Scalar(node, key);
        if (text is null || (text.StartsWith('/') && !text.Split('/').Contains("..")))
        {
            return text;
        }

        read.Problem(node, $"'{key}' must be an absolute path inside the sandbox, not '{text}'.");
        return null;
    }

    private static SandboxPolicy Invalid(SandboxPolicy policy, YamlValues read, YamlNode node, string message)
    {
        read.Problem(node, message);
        return policy;
    }

    private static string UnknownKey(string key, IEnumerable<string> known)
    {
        var suggestion = known.OrderBy(k => Distance(k, key)).First();
        var hint = Distance(suggestion, key) <= 3 ? $" Did you mean '{suggestion}'?" : "";
        return $"Unknown key '{key}'.{hint}";
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }
}
