using System.Globalization;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Validation;

/// <summary>One setting that differs from the baseline. Weaker changes fail the gate; stricter ones are reported.</summary>
public sealed record DriftChange(string Setting, string Baseline, string Current, bool Weaker, SourceLocation? Location = null)
{
    public string Describe() => $"{Setting}: {Baseline} -> {Current}{(Weaker ? "" : " (not a weakening)")}";
}

/// <summary>
/// Compares the sandbox in force with the approved baseline, setting by setting, and says in words what
/// changed ("network: none -> bridge"). A stricter setting is not drift; anything looser, added or unknown is.
/// </summary>
public static class BaselineDiff
{
    private delegate bool Weakening(JsonNode? baseline, JsonNode? current);

    private static readonly Dictionary<string, Weakening> Rules = new(StringComparer.Ordinal)
    {
        ["image"] = Changed,
        ["network"] = (b, c) => Text(c) != "none" && Text(b) != Text(c),
        ["user"] = (b, c) => IsolationChecks.IsRoot(Text(c)) && !IsolationChecks.IsRoot(Text(b)),
        ["privileged"] = (b, c) => Bool(c) && !Bool(b),
        ["cap_drop"] = (b, c) => Items(b).Contains("ALL") && !Items(c).Contains("ALL"),
        ["cap_add"] = Added,
        ["no_new_privileges"] = BecameFalse,
        ["seccomp"] = (b, c) => Text(b) != Text(c) && Text(c) != "default",
        // A new pin is a new profile, whose strength cannot be compared with the approved one.
        ["seccomp_sha256"] = (b, c) => c is not null,
        ["apparmor"] = (b, c) => Text(b) != Text(c) && Text(c) != "default",
        ["system_paths"] = (b, c) => Text(b) != Text(c) && Text(c) != "masked",
        ["read_only"] = BecameFalse,
        ["tmpfs"] = (b, c) => Map(c).Any(e => !Map(b).TryGetValue(e.Key, out var before) || Larger(before, e.Value)),
        ["workspace_size"] = (b, c) => Larger(b, c),
        ["memory"] = (b, c) => Larger(b, c),
        ["memory_swap"] = (b, c) => Larger(b, c),
        ["cpus"] = (b, c) => Larger(b, c),
        ["pids"] = (b, c) => Larger(b, c),
        ["timeout_seconds"] = (b, c) => Larger(b, c),
        ["source.read_only"] = BecameFalse,
        ["source.target"] = Never,
        ["output.path"] = Never,
        ["output.target"] = Never,
        ["mounts"] = (b, c) => Items(c).Any(m => !Items(b).Contains(m)),
        ["env.allow"] = Added,
        ["env.set"] = (b, c) => Map(c).Any(e => !Map(b).TryGetValue(e.Key, out var before) || before != e.Value),
        ["devices"] = Added,
        ["pid"] = NamespaceWidened,
        ["ipc"] = NamespaceWidened,
        ["uts"] = NamespaceWidened,
        ["userns_mode"] = NamespaceWidened,
        ["cgroup"] = NamespaceWidened,
        ["artifacts.include"] = (b, c) => Items(b).Count > 0 && (Items(c).Count == 0 || Items(c).Any(i => !Items(b).Contains(i))),
        ["artifacts.max_files"] = (b, c) => Larger(b, c),
        ["artifacts.max_file_size"] = (b, c) => Larger(b, c),
        ["artifacts.max_total_size"] = (b, c) => Larger(b, c),
        ["artifacts.secrets"] = (b, c) => Text(b) == "block" && Text(c) != "block",
    };

    public static IReadOnlyList<DriftChange> Compare(Baseline baseline, SandboxPolicy policy, ValidationReport report)
    {
        var changes = new List<DriftChange>();
        var current = PolicyCanonical.ToNode(policy);
        foreach (var (setting, weakening) in Rules)
        {
            var before = At(baseline.Policy, setting);
            var now = At(current, setting);
            if (!JsonNode.DeepEquals(before, now))
            {
                changes.Add(new DriftChange(setting, Show(before), Show(now), weakening(before, now), policy.Origin.Locate(setting)));
            }
        }

        if (report.ImageDigest is { } digest && baseline.ImageDigest is { } approved && digest != approved)
        {
            changes.Add(new DriftChange("image digest", approved, digest, Weaker: true, policy.Origin.Locate("image")));
        }

        if (report.Engine is { } engine && baseline.Engine is { } pinned)
        {
            var now = Baseline.EngineNode(engine);
            foreach (var (key, value) in pinned)
            {
                if (!JsonNode.DeepEquals(value, now[key]))
                {
                    changes.Add(new DriftChange($"engine {key}", Show(value), Show(now[key]), Weaker: true));
                }
            }
        }

        foreach (var group in report.Findings.GroupBy(f => f.Code.Id))
        {
            var failsNow = group.Any(f => f.Status == CheckStatus.Fail);
            var was = baseline.Checks.TryGetValue(group.Key, out var result) ? result : "absent";
            if (failsNow && was != "fail")
            {
                changes.Add(new DriftChange($"check {group.Key}", was, "fail", Weaker: true, group.First(f => f.Status == CheckStatus.Fail).Location));
            }
        }

        return changes;
    }

    private static JsonNode? At(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var part in path.Split('.'))
        {
            node = node?[part];
        }

        return node;
    }

    private static string Show(JsonNode? node) => node switch
    {
        null => "(none)",
        JsonArray array => array.Count == 0 ? "[]" : $"[{string.Join(", ", array.Select(i => i?.ToString()))}]",
        JsonObject obj => obj.Count == 0 ? "{}" : $"{{{string.Join(", ", obj.Select(e => $"{e.Key}: {e.Value}"))}}}",
        _ => node.ToString(),
    };

    private static bool Changed(JsonNode? b, JsonNode? c) => !JsonNode.DeepEquals(b, c);

    private static bool Never(JsonNode? b, JsonNode? c) => false;

    private static bool BecameFalse(JsonNode? b, JsonNode? c) => Bool(b) && !Bool(c);

    private static bool Added(JsonNode? b, JsonNode? c) => Items(c).Any(i => !Items(b).Contains(i));

    private static bool NamespaceWidened(JsonNode? b, JsonNode? c) => Text(b) != Text(c) && Text(c) is not ("" or "private");

    // 0 (or -1) means unlimited: looser than any limit.
    private static bool Larger(JsonNode? b, JsonNode? c) => Larger(Number(b), Number(c));

    private static bool Larger(double before, double now) => (now <= 0 && before > 0) || (before > 0 && now > before);

    private static bool Larger(string before, string now) =>
        Larger(double.Parse(before, CultureInfo.InvariantCulture), double.Parse(now, CultureInfo.InvariantCulture));

    private static string Text(JsonNode? node) => node?.ToString() ?? "";

    private static bool Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    // A JsonValue built from a long does not convert to double through TryGetValue; its JSON text always parses.
    private static double Number(JsonNode? node) =>
        node is JsonValue v && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : 0;

    private static List<string> Items(JsonNode? node) => node is JsonArray array ? array.Select(i => i?.ToString() ?? "").ToList() : [];

    private static Dictionary<string, string> Map(JsonNode? node) =>
        node is JsonObject obj ? obj.ToDictionary(e => e.Key, e => e.Value?.ToString() ?? "", StringComparer.Ordinal) : [];
}
