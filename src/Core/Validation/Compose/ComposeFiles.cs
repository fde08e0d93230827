using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Validation.Compose;

/// <summary>
/// Which files `docker compose` would really merge for a project, and what its `.env` changes. A validator
/// that reads only the file it was given can be fooled by an override file or by COMPOSE_FILE in `.env`.
/// </summary>
public sealed record ComposeFiles(IReadOnlyList<string> Files, IReadOnlyDictionary<string, string> DotEnv, IReadOnlyList<Finding> Findings)
{
    private static readonly string[] OverrideNames = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"];

    public static ComposeFiles Discover(string mainFile)
    {
        var main = Path.GetFullPath(mainFile);
        var project = Path.GetDirectoryName(main)!;
        var findings = new List<Finding>();
        var files = new List<string> { main };
        var dotEnvPath = Path.Combine(project, ".env");
        var dotEnv = ReadDotEnv(dotEnvPath, out var lines);

        foreach (var key in new[] { "DOCKER_HOST", "DOCKER_CONTEXT" })
        {
            if (dotEnv.TryGetValue(key, out var value))
            {
                findings.Add(Finding.Fail(Codes.ComposeEnvRedirects, FactSource.Compose, $".env {key}", value,
                    "not set: the sandbox must run on the engine that was validated", new SourceLocation(dotEnvPath, lines[key])));
            }
        }

        if (dotEnv.TryGetValue("COMPOSE_FILE", out var composeFile))
        {
            var selected = composeFile.Split([':', ';'], StringSplitOptions.RemoveEmptyEntries).Select(f => Path.GetFullPath(f, project)).ToArray();
            findings.Add(Finding.Fail(Codes.ComposeEnvRedirects, FactSource.Compose, ".env COMPOSE_FILE", composeFile,
                "not set: compose would run other files than the one reviewed", new SourceLocation(dotEnvPath, lines["COMPOSE_FILE"])));
            files.AddRange(selected.Where(File.Exists));
        }

        foreach (var name in OverrideNames)
        {
            var candidate = Path.Combine(project, name);
            if (File.Exists(candidate) && !files.Contains(candidate))
            {
                files.Add(candidate);
            }
        }

        if (files.Count > 1)
        {
            findings.Add(Finding.Fail(Codes.ComposeMerged, FactSource.Compose, "merged files",
                string.Join(" + ", files.Select(Path.GetFileName)), "every merged file reviewed", new SourceLocation(files[1], 1)));
        }

        return new ComposeFiles(files.Distinct().ToArray(), dotEnv, findings);
    }

    internal static Dictionary<string, string> ReadDotEnv(string path, out Dictionary<string, int> lines)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        lines = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = line[..equals].Trim();
            var value = line[(equals + 1)..].Trim();
            if (value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0])
            {
                value = value[1..^1];
            }

            values[key] = value;
            lines[key] = number;
        }

        return values;
    }
}
