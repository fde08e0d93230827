using System.Text.RegularExpressions;
using System.Xml;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// Reads the file references of one MSBuild file statically: the same XML parser and settings MSBuild uses
/// (System.Xml, DTDs ignored, no resolver), so a file this reader refuses MSBuild refuses too. Conditions are
/// ignored on purpose: every reference counts, taken or not. Inside a target (execution, not evaluation)
/// projects and file reads are followed only when named literally, like the commands a target runs.
/// </summary>
public static partial class MsBuildXmlReader
{
    /// <summary>MSBuild files are small; a huge one is refused rather than read for minutes.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    /// <exception cref="XmlException">The file is not well-formed XML.</exception>
    public static MsBuildFileFacts Read(Stream content)
    {
        var references = new List<BuildReference>();
        var sdks = new List<SdkReference>();
        var properties = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parents = new Stack<string>();
        var targetDepth = 0;
        using var reader = XmlReader.Create(content, Settings);
        var lines = (IXmlLineInfo)reader;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var parent = parents.TryPeek(out var p) ? p : "";
                    var line = lines.LineNumber;
                    var element = reader.LocalName;
                    var attributes = Attributes(reader);
                    Collect(element, parent, attributes, line, targetDepth > 0, references, sdks);
                    if (parent.Equals("PropertyGroup", StringComparison.OrdinalIgnoreCase))
                    {
                        properties.Add(element);
                    }

                    foreach (var value in attributes.Values)
                    {
                        FileReads(value, line, targetDepth > 0, references);
                    }

                    if (!reader.IsEmptyElement)
                    {
                        parents.Push(element);
                        targetDepth += IsTarget(element) ? 1 : 0;
                    }

                    break;
                case XmlNodeType.EndElement:
                    targetDepth -= parents.TryPop(out var closed) && IsTarget(closed) ? 1 : 0;
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    FileReads(reader.Value, lines.LineNumber, targetDepth > 0, references);
                    break;
            }
        }

        return new MsBuildFileFacts(references, sdks, properties);
    }

    private static Dictionary<string, string> Attributes(XmlReader reader)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                attributes[reader.LocalName] = reader.Value;
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }

        return attributes;
    }

    private static bool IsTarget(string element) => element.Equals("Target", StringComparison.OrdinalIgnoreCase);

    private static void Collect(string element, string parent, Dictionary<string, string> a, int line, bool inTarget, List<BuildReference> references, List<SdkReference> sdks)
    {
        void Add(ReferenceKind kind, string attribute)
        {
            if (a.TryGetValue(attribute, out var value) && value.Trim().Length > 0)
            {
                references.Add(new BuildReference(kind, value.Trim(), line));
            }
        }

        switch (element.ToLowerInvariant())
        {
            case "project" when parent.Length == 0:
                foreach (var sdk in (a.GetValueOrDefault("Sdk") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var parts = sdk.Split('/', 2, StringSplitOptions.TrimEntries);
                    sdks.Add(new SdkReference(parts[0], parts.Length > 1 ? parts[1].Replace("min=", "", StringComparison.OrdinalIgnoreCase) : null, line));
                }

                break;
            case "sdk":
                sdks.Add(new SdkReference(a.GetValueOrDefault("Name") ?? "", a.GetValueOrDefault("Version") ?? a.GetValueOrDefault("MinimumVersion"), line));
                break;
            case "import":
                if (a.TryGetValue("Sdk", out var importSdk) && importSdk.Trim().Length > 0)
                {
                    // Resolved by the SDK resolvers, relative to the SDK: not a path in the repository.
                    sdks.Add(new SdkReference(importSdk.Trim(), a.GetValueOrDefault("Version") ?? a.GetValueOrDefault("MinimumVersion"), line));
                }
                else
                {
                    Add(ReferenceKind.Import, "Project");
                }

                break;
            case "projectreference":
                Add(inTarget ? ReferenceKind.BestEffort : ReferenceKind.Project, "Include");
                break;
            case "msbuild":
                Add(inTarget ? ReferenceKind.BestEffort : ReferenceKind.Project, "Projects");
                break;
            case "usingtask":
                Add(ReferenceKind.Assembly, "AssemblyFile");
                break;
            case "code":
                Add(ReferenceKind.TaskSource, "Source");
                break;
            case "exec":
                Add(ReferenceKind.BestEffort, "Command");
                break;
            case "readlinesfromfile":
                Add(ReferenceKind.BestEffort, "File");
                break;
            case "xmlpeek":
                Add(ReferenceKind.BestEffort, "XmlInputPath");
                break;
        }
    }

    // The one property function that reads a file's content during evaluation, and the functions whose result
    // depends on which files exist: the files they name are hashed when present, so adding one is seen.
    private static void FileReads(string text, int line, bool inTarget, List<BuildReference> references)
    {
        if (!text.Contains('(', StringComparison.Ordinal))
        {
            return;
        }

        foreach (Match match in Exists().Matches(text))
        {
            references.Add(new BuildReference(ReferenceKind.Presence, match.Groups["path"].Value, line));
        }

        foreach (Match match in FileAbove().Matches(text))
        {
            references.Add(new BuildReference(ReferenceKind.Above, match.Groups["name"].Value, line));
        }

        foreach (Match match in ReadAllText().Matches(text))
        {
            // A quoted or plain argument is the path; a nested call stays the whole call, which is computed.
            var argument = match.Groups["argument"].Value.Trim();
            var quoted = argument.Length >= 2 && argument[0] is '\'' or '"' or '`' && argument[^1] == argument[0];
            var path = quoted ? argument[1..^1] : argument.Contains("$([", StringComparison.Ordinal) || argument.Contains(',', StringComparison.Ordinal) ? match.Value : argument;
            references.Add(new BuildReference(inTarget ? ReferenceKind.BestEffort : ReferenceKind.FileRead, path, line));
        }
    }

    // The argument with balanced parentheses: ReadAllText($([MSBuild]::NormalizePath(...))) is one call.
    [GeneratedRegex(@"\[\s*System\.IO\.File\s*\]::ReadAllText\((?<argument>(?>[^()]+|\((?<depth>)|\)(?<-depth>))*(?(depth)(?!)))\)", RegexOptions.IgnoreCase)]
    private static partial Regex ReadAllText();

    [GeneratedRegex(@"Exists\(\s*(?:(?<q>['""`])(?<path>[^'""`]+)\k<q>|(?<path>[^'""`()\s]+))\s*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Exists();

    [GeneratedRegex(@"(?:GetPathOfFileAbove\(\s*|GetDirectoryNameOfFileAbove\([^,()]*(?:\([^()]*\)[^,()]*)*,\s*)['""`](?<name>[^'""`$()]+)['""`]", RegexOptions.IgnoreCase)]
    private static partial Regex FileAbove();
}
