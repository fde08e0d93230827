using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Artifacts;

/// <summary>What the provenance statement says about the run that produced the artifacts.</summary>
public sealed record RunEvidence
{
    public required string RunId { get; init; }

    public required IReadOnlyList<string> Command { get; init; }

    public required string PolicySha256 { get; init; }

    public required string NetworkMode { get; init; }

    public required string ImageReference { get; init; }

    public required string ImageDigest { get; init; }

    public required bool ValidationPassed { get; init; }

    public required int ChecksPassed { get; init; }

    public IReadOnlyList<string> ChecksFailed { get; init; } = [];

    public string? Source { get; init; }

    public DateTimeOffset StartedOn { get; init; }

    public DateTimeOffset FinishedOn { get; init; }

    public long? ExitCode { get; init; }

    /// <summary>
    /// For a run in a warm sandbox: the session (the run that started it) and every command run in it before,
    /// oldest first. Anything run there earlier may have shaped what this run published.
    /// </summary>
    public string? Session { get; init; }

    public IReadOnlyList<IReadOnlyList<string>> EarlierCommands { get; init; } = [];
}

/// <summary>
/// An in-toto statement in the SLSA provenance shape: the published files are its subjects, and the
/// predicate records the policy's hash, the image digest, the validation result and the command: the
/// evidence that these artifacts came out of a validated no-network run.
/// </summary>
public static class Provenance
{
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string PredicateType = "https://slsa.dev/provenance/v1";
    public const string BuildType = "https://sandboxbuild.dev/run/v1";

    public static void Write(string path, RunEvidence run, CollectionResult result, string manifestSha256)
    {
        var version = typeof(Provenance).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var statement = new JsonObject
        {
            ["_type"] = StatementType,
            ["subject"] = new JsonArray(result.Published.OrderBy(f => f.Path, StringComparer.Ordinal)
                .Select(f => (JsonNode)new JsonObject { ["name"] = f.Path, ["digest"] = new JsonObject { ["sha256"] = f.Sha256 } }).ToArray()),
            ["predicateType"] = PredicateType,
            ["predicate"] = new JsonObject
            {
                ["buildDefinition"] = new JsonObject
                {
                    ["buildType"] = BuildType,
                    ["externalParameters"] = new JsonObject
                    {
                        ["command"] = new JsonArray(run.Command.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                        ["policySha256"] = run.PolicySha256,
                        ["source"] = run.Source,
                    },
                    ["internalParameters"] = new JsonObject
                    {
                        ["network"] = run.NetworkMode,
                        ["exitCode"] = run.ExitCode,
                        ["session"] = run.Session is null ? null : new JsonObject
                        {
                            ["id"] = run.Session,
                            ["earlierCommands"] = new JsonArray(run.EarlierCommands
                                .Select(c => (JsonNode?)new JsonArray(c.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray())).ToArray()),
                        },
                        ["validation"] = new JsonObject
                        {
                            ["passed"] = run.ValidationPassed,
                            ["checksPassed"] = run.ChecksPassed,
                            ["checksFailed"] = new JsonArray(run.ChecksFailed.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                        },
                    },
                    ["resolvedDependencies"] = new JsonArray(new JsonObject
                    {
                        ["uri"] = $"docker-image://{run.ImageReference}",
                        ["digest"] = new JsonObject { ["sha256"] = run.ImageDigest.Replace("sha256:", "", StringComparison.Ordinal) },
                    }),
                },
                ["runDetails"] = new JsonObject
                {
                    ["builder"] = new JsonObject { ["id"] = $"https://sandboxbuild.dev/cli@{version}" },
                    ["metadata"] = new JsonObject
                    {
                        ["invocationId"] = run.RunId,
                        ["startedOn"] = run.StartedOn.ToString("O"),
                        ["finishedOn"] = run.FinishedOn.ToString("O"),
                    },
                    ["byproducts"] = new JsonArray(new JsonObject
                    {
                        ["name"] = PublishFolder.ManifestFile,
                        ["digest"] = new JsonObject { ["sha256"] = manifestSha256 },
                    }),
                },
            },
        };
        File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(statement, JsonText.Indented));
    }
}
