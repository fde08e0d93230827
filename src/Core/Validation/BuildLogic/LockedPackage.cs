using System.Text.Json;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>A package a NuGet lock file pins: id, resolved version and the SHA-512 of the package NuGet checks at restore.</summary>
public sealed record LockedPackage(string Id, string Version, string ContentHash)
{
    /// <summary>Every package of every target framework in a `packages.lock.json` (projects of the same repository left out).</summary>
    /// <exception cref="FormatException">Not a lock file NuGet would read.</exception>
    public static IReadOnlyList<LockedPackage> Read(string content)
    {
        try
        {
            using var document = JsonDocument.Parse(content, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var packages = new List<LockedPackage>();
            foreach (var framework in document.RootElement.GetProperty("dependencies").EnumerateObject())
            {
                foreach (var dependency in framework.Value.EnumerateObject())
                {
                    var entry = dependency.Value;
                    var type = entry.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (string.Equals(type, "Project", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var version = entry.TryGetProperty("resolved", out var v) ? v.GetString() : null;
                    var hash = entry.TryGetProperty("contentHash", out var h) ? h.GetString() : null;
                    packages.Add(new LockedPackage(dependency.Name, version ?? "(unresolved)", hash ?? "(no content hash)"));
                }
            }

            return packages;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException(e.Message, e);
        }
    }
}
