using SandboxBuild.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SandboxBuild.Policy;

/// <summary>
/// Reads a policy file (`sandbox.yml` format) over a base policy. Unknown keys and bad values are errors with
/// their line; every problem in the file is reported, not only the first. Which files apply, and how far a
/// repository's may go, is <see cref="PolicyResolver"/>'s decision.
/// </summary>
public static class PolicyLoader
{
    public const string DefaultFileName = "sandbox.yml";

    public static SandboxPolicy Load(string path) => Parse(File.ReadAllText(path), Path.GetFullPath(path));

    public static SandboxPolicy Load(string path, SandboxPolicy basePolicy) => Parse(File.ReadAllText(path), Path.GetFullPath(path), basePolicy);

    public static SandboxPolicy Parse(string yaml, string fileName) => Parse(yaml, fileName, SandboxPolicy.Default);

    /// <summary>Reads a policy file over <paramref name="basePolicy"/>: keys the file leaves out keep the base's values.</summary>
    public static SandboxPolicy Parse(string yaml, string fileName, SandboxPolicy basePolicy)
    {
        var values = new YamlValues(fileName);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var policy = basePolicy;

        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new SandboxException(Codes.PolicyInvalid, $"The policy file is not valid YAML: {e.InnerException?.Message ?? e.Message}",
                location: new SourceLocation(fileName, (int)e.Start.Line));
        }

        if (stream.Documents.Count > 0 && stream.Documents[0].RootNode is not YamlScalarNode { Value: null or "" })
        {
            if (values.Mapping(stream.Documents[0].RootNode, "the policy") is { } root)
            {
                policy = PolicyKeys.Apply(policy, root, values, lines);
            }
        }

        if (values.Problems.Count > 0)
        {
            throw SandboxException.Many(Codes.PolicyInvalid, values.Problems);
        }

        return policy with { Origin = new PolicyOrigin(fileName, lines) };
    }

    /// <summary>Applies an already built mapping (repository settings) over <paramref name="basePolicy"/>.</summary>
    internal static SandboxPolicy Apply(YamlMappingNode root, string fileName, SandboxPolicy basePolicy)
    {
        var values = new YamlValues(fileName);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var policy = PolicyKeys.Apply(basePolicy, root, values, lines);
        if (values.Problems.Count > 0)
        {
            throw SandboxException.Many(Codes.PolicyInvalid, values.Problems);
        }

        return policy with { Origin = new PolicyOrigin(fileName, lines) };
    }
}
