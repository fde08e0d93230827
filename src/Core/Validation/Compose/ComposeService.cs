using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SandboxBuild.Validation.Compose;

/// <summary>A YAML value with the file it came from, so a finding can name the file and line that set it.</summary>
internal sealed record Located(string Text, YamlNode Node, string File)
{
    public Diagnostics.SourceLocation Location => new(File, (int)Node.Start.Line);
}

/// <summary>
/// One compose service as compose would merge it across files: single values are overridden by later files,
/// lists (cap_add, volumes, security_opt ...) are combined, and the environment is merged by name.
/// </summary>
internal sealed partial class ComposeService(string name, Func<string, string?> variables)
{
    private static readonly HashSet<string> ListKeys = new(StringComparer.Ordinal)
    {
        "cap_add", "cap_drop", "security_opt", "devices", "device_cgroup_rules", "tmpfs", "volumes", "env_file",
    };

    public string Name => name;

    public Located? Declaration { get; private set; }

    public Dictionary<string, Located> Values { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, List<Located>> Lists { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Located> Environment { get; } = new(StringComparer.Ordinal);

    public void Merge(YamlScalarNode key, YamlMappingNode service, string file)
    {
        Declaration ??= new Located(name, key, file);
        foreach (var (k, value) in service.Children)
        {
            var property = (k as YamlScalarNode)?.Value ?? "";
            if (property == "environment")
            {
                MergeEnvironment(value, file);
            }
            else if (ListKeys.Contains(property))
            {
                var items = value is YamlSequenceNode sequence ? sequence.Children : [value];
                var list = Lists.TryGetValue(property, out var existing) ? existing : Lists[property] = [];
                list.AddRange(items.Select(i => Scalar(i, file)).Where(i => i.Text.Length > 0));
            }
            else if (value is YamlMappingNode mapping && property == "deploy")
            {
                Flatten(property, mapping, file);
            }
            else
            {
                Values[property] = Scalar(value, file);
            }
        }
    }

    public Located? Value(params string[] keys) => keys.Select(k => Values.GetValueOrDefault(k)).FirstOrDefault(v => v is not null);

    public IReadOnlyList<Located> List(string key) => Lists.TryGetValue(key, out var list) ? list : [];

    private void MergeEnvironment(YamlNode value, string file)
    {
        switch (value)
        {
            case YamlMappingNode mapping:
                foreach (var (k, v) in mapping.Children)
                {
                    Environment[(k as YamlScalarNode)?.Value ?? ""] = Scalar(v, file) with { Node = k };
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    var text = Scalar(item, file);
                    var parts = text.Text.Split('=', 2);
                    // `- NAME` alone passes the variable through from the shell that runs compose.
                    Environment[parts[0]] = text with { Text = parts.Length > 1 ? parts[1] : variables(parts[0]) ?? "(from the host)" };
                }

                break;
        }
    }

    private void Flatten(string prefix, YamlMappingNode mapping, string file)
    {
        foreach (var (k, v) in mapping.Children)
        {
            var key = $"{prefix}.{(k as YamlScalarNode)?.Value}";
            if (v is YamlMappingNode inner)
            {
                Flatten(key, inner, file);
            }
            else
            {
                Values[key] = Scalar(v, file);
            }
        }
    }

    private Located Scalar(YamlNode node, string file) =>
        new(node is YamlScalarNode scalar ? Interpolate(scalar.Value ?? "") : node is YamlSequenceNode s ? $"{s.Children.Count} items" : "(mapping)", node, file);

    // Compose's variable syntax: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, $VAR.
    private string Interpolate(string text) => Variable().Replace(text, m =>
    {
        if (m.Value == "$$")
        {
            return "$";
        }

        var variable = m.Groups["name"].Success ? m.Groups["name"].Value : m.Groups["bare"].Value;
        var value = variables(variable);
        if (m.Groups["op"].Success)
        {
            var useDefault = m.Groups["op"].Value == ":-" ? string.IsNullOrEmpty(value) : value is null;
            return useDefault ? m.Groups["default"].Value : value!;
        }

        return value ?? "";
    });

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:?-)(?<default>[^}]*))?\}|\$(?<bare>[A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}
