using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SandboxBuild.Policy;

/// <summary>
/// Typed reads of YAML nodes that record a problem with its line instead of throwing, so a file with three
/// mistakes reports three errors. Shared by the policy reader and the compose reader.
/// </summary>
internal sealed class YamlValues(string file)
{
    public List<(string Message, Diagnostics.SourceLocation? Location)> Problems { get; } = [];

    public string File => file;

    public Diagnostics.SourceLocation At(YamlNode node) => new(file, (int)node.Start.Line);

    public void Problem(YamlNode node, string message) => Problems.Add((message, At(node)));

    public string? Scalar(YamlNode node, string key)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }

        Problem(node, $"'{key}' must be a single value, not a {Describe(node)}.");
        return null;
    }

    public bool? Bool(YamlNode node, string key)
    {
        var text = Scalar(node, key);
        switch (text?.Trim().ToLowerInvariant())
        {
            case null: return null;
            case "true" or "yes" or "on": return true;
            case "false" or "no" or "off": return false;
            default:
                Problem(node, $"'{key}' must be true or false, not '{text}'.");
                return null;
        }
    }

    public long? Bytes(YamlNode node, string key, bool allowUnlimited = false)
    {
        var text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (allowUnlimited && text.Trim() is "unlimited" or "-1")
        {
            return -1;
        }

        if (Quantities.TryParseBytes(text, out var bytes))
        {
            return bytes;
        }

        Problem(node, $"'{key}' must be a size such as 512m or 4g, not '{text}'.");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string key)
    {
        var text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (Quantities.TryParseDuration(text, out var duration))
        {
            return duration;
        }

        Problem(node, $"'{key}' must be a duration such as 90s, 30m or 1h, not '{text}'.");
        return null;
    }

    public double? Number(YamlNode node, string key, double min)
    {
        var text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && double.IsFinite(value))
        {
            return value;
        }

        Problem(node, $"'{key}' must be a number of at least {min.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
        return null;
    }

    public long? Integer(YamlNode node, string key, long min)
    {
        var text = Scalar(node, key);
        if (text is null)
        {
            return null;
        }

        if (text.Trim() == "unlimited")
        {
            return 0;
        }

        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min)
        {
            return value;
        }

        Problem(node, $"'{key}' must be a whole number of at least {min}, not '{text}'.");
        return null;
    }

    public List<string>? List(YamlNode node, string key)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                var items = new List<string>();
                foreach (var item in sequence)
                {
                    if (Scalar(item, key) is { } value)
                    {
                        items.Add(value);
                    }
                }

                return items;
            case YamlScalarNode { Value: null or "" }:
                return [];
            default:
                Problem(node, $"'{key}' must be a list.");
                return null;
        }
    }

    public YamlMappingNode? Mapping(YamlNode node, string key)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        if (node is YamlScalarNode { Value: null or "" })
        {
            return new YamlMappingNode();
        }

        Problem(node, $"'{key}' must be a mapping of keys to values.");
        return null;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "list",
        YamlMappingNode => "mapping",
        _ => "value",
    };
}
