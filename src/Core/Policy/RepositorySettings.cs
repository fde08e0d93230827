using SandboxBuild.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SandboxBuild.Policy;

/// <summary>
/// Settings the repository made outside sandbox.yml (MSBuild properties its own project files set), as
/// `key=value` with sandbox.yml's key names: `memory=2g`, `source.read_only=true`, `tmpfs./tmp=512m`,
/// `env.set.NAME=value`, `cap_drop=[ALL]`. They are untrusted: built into one YAML mapping and merged like
/// the repository's sandbox.yml, tighten-only. A value is read as a YAML value on its own, so it can never
/// add a key of its own.
/// </summary>
public static class RepositorySettings
{
    public const string OriginName = "repository setting";

    public static YamlMappingNode ToMapping(IEnumerable<string> settings)
    {
        var root = new YamlMappingNode();
        var problems = new List<(string Message, SourceLocation? Location)>();
        foreach (var setting in settings)
        {
            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            var key = equals > 0 ? setting[..equals].Trim() : "";
            if (key.Length == 0)
            {
                problems.Add(($"The repository setting '{setting}' is not KEY=VALUE.", new SourceLocation(OriginName, 0)));
                continue;
            }

            if (Value(setting[(equals + 1)..]) is not { } value)
            {
                problems.Add(($"The value of the repository setting '{key}' is not a single YAML value.", new SourceLocation($"{OriginName} {key}", 0)));
                continue;
            }

            Place(root, Path(key), value);
        }

        if (problems.Count > 0)
        {
            throw SandboxException.Many(Codes.PolicyInvalid, problems);
        }

        return root;
    }

    /// <summary>`env.set.A.B` is the variable `A.B`; `tmpfs./a.b` is the path `/a.b`: only the section's own dot splits.</summary>
    private static string[] Path(string key)
    {
        var parts = key.Split('.', 2);
        if (parts.Length == 1 || parts[0] == "tmpfs")
        {
            return parts;
        }

        var rest = parts[1].Split('.', 2);
        return parts[0] == "env" && rest.Length == 2 ? [parts[0], rest[0], rest[1]] : [parts[0], parts[1]];
    }

    private static YamlNode? Value(string text)
    {
        if (text.Trim().Length == 0)
        {
            return new YamlScalarNode("");
        }

        try
        {
            YamlStream stream = [];
            stream.Load(new StringReader(text));
            return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlScalarNode or YamlSequenceNode ? stream.Documents[0].RootNode : null;
        }
        catch (YamlException)
        {
            return null;
        }
    }

    private static void Place(YamlMappingNode root, string[] path, YamlNode value)
    {
        var node = root;
        for (var i = 0; i < path.Length - 1; i++)
        {
            var key = new YamlScalarNode(path[i]);
            if (!node.Children.TryGetValue(key, out var child) || child is not YamlMappingNode mapping)
            {
                mapping = new YamlMappingNode();
                node.Children[key] = mapping;
            }

            node = mapping;
        }

        node.Children[new YamlScalarNode(path[^1])] = value;
    }
}
