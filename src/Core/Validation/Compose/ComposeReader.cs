using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SandboxBuild.Validation.Compose;

/// <summary>
/// Reads a compose project in the pattern's format (docker-compose.ai-sandbox.yml and whatever compose would
/// merge with it) and judges each service with the same checks as a policy and a live container, with file
/// and line in every finding.
/// </summary>
public static class ComposeReader
{
    public static IReadOnlyList<Finding> Judge(string mainFile, HostContext host)
    {
        if (!File.Exists(mainFile))
        {
            throw new SandboxException(Codes.InvalidInput, $"The compose file '{mainFile}' does not exist.");
        }

        var files = ComposeFiles.Discover(mainFile);
        var findings = new List<Finding>(files.Findings);
        string? Variable(string name) => Environment.GetEnvironmentVariable(name) ?? files.DotEnv.GetValueOrDefault(name);
        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);

        foreach (var file in files.Files)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(File.ReadAllText(file)));
            }
            catch (YamlException e)
            {
                findings.Add(Finding.Fail(Codes.ComposeInvalid, FactSource.Compose, Path.GetFileName(file), e.Message, "valid YAML",
                    new SourceLocation(file, (int)e.Start.Line)));
                continue;
            }

            if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root
                || !root.Children.TryGetValue(new YamlScalarNode("services"), out var servicesNode) || servicesNode is not YamlMappingNode serviceMap)
            {
                continue;
            }

            foreach (var (key, value) in serviceMap.Children)
            {
                if (key is YamlScalarNode { Value: { } name } scalar && value is YamlMappingNode service)
                {
                    if (!services.TryGetValue(name, out var merged))
                    {
                        services[name] = merged = new ComposeService(name, Variable);
                    }

                    merged.Merge(scalar, service, file);
                }
            }
        }

        var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(mainFile))!;
        foreach (var service in services.Values)
        {
            findings.AddRange(IsolationChecks.Judge(ComposeFacts.From(service, projectDirectory, host), host)
                .Select(f => f with { Subject = $"{service.Name}: {f.Subject}" }));
        }

        return findings;
    }

    /// <summary>The compose file of the pattern, if the source folder has one.</summary>
    public static string? FindDefault(string sourceDirectory) =>
        new[] { "docker-compose.ai-sandbox.yml", "docker-compose.ai-sandbox.yaml", "sandbox/docker-compose.ai-sandbox.yml" }
            .Select(name => Path.Combine(sourceDirectory, name))
            .FirstOrDefault(File.Exists);

    internal static long Bytes(string? text) =>
        text is null ? 0 : Quantities.TryParseBytes(text, out var bytes) ? bytes : 0;
}
