using System.Text;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// The files a `Directory.Build.rsp` makes MSBuild read: more response files (`@file`), logger assemblies
/// (`-logger:`, `-distributedlogger:`), and property values that name a file (a property such as
/// CustomBeforeMicrosoftCommonProps turns a file of any name into an import).
/// </summary>
public static class ResponseFileReader
{
    private static readonly string[] LoggerSwitches = ["logger", "l", "distributedlogger", "dl"];
    private static readonly string[] PropertySwitches = ["property", "p", "restoreproperty", "rp"];

    public static IReadOnlyList<BuildReference> Read(string content)
    {
        var references = new List<BuildReference>();
        var lines = content.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('#'))
            {
                continue;
            }

            foreach (var token in Tokens(line))
            {
                Collect(token, i + 1, references);
            }
        }

        return references;
    }

    private static void Collect(string token, int line, List<BuildReference> references)
    {
        if (token.StartsWith('@'))
        {
            references.Add(new BuildReference(ReferenceKind.ResponseFile, token[1..], line));
            return;
        }

        var name = token.TrimStart('-', '/');
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (name.Length == token.Length || colon < 0)
        {
            return;
        }

        var value = name[(colon + 1)..];
        name = name[..colon];
        if (LoggerSwitches.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var logger in value.Split('*'))
            {
                // [Class,]Assembly[;parameters]: only a path names a file; an assembly name comes from MSBuild's own folder.
                var assembly = logger.Split(';')[0].Split(',')[^1].Trim();
                if (assembly.Contains('/', StringComparison.Ordinal) || assembly.Contains('\\', StringComparison.Ordinal)
                    || assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                {
                    references.Add(new BuildReference(ReferenceKind.Assembly, assembly, line));
                }
            }
        }
        else if (PropertySwitches.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            foreach (var pair in value.Split(';', ','))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0 && pair[(equals + 1)..].Trim() is { Length: > 0 } propertyValue)
                {
                    references.Add(new BuildReference(ReferenceKind.BestEffort, propertyValue, line));
                }
            }
        }
    }

    // Whitespace separates switches; double quotes group (and are dropped), as in MSBuild's own splitter.
    private static IEnumerable<string> Tokens(string line)
    {
        var current = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                {
                    yield return current.ToString();
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }
}
