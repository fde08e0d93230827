using System.Text.Json;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Runs;

/// <summary>
/// An append-only JSON-lines record of every run, written on the host side where the sandbox cannot reach
/// it: who ran what and when, under which policy and image, what the gate found, how it ended, the resource
/// peaks, and what was published or refused.
/// </summary>
public static class AuditLog
{
    public static void Append(string path, JsonObject record)
    {
        record["time"] ??= DateTimeOffset.UtcNow.ToString("O");
        record["user"] ??= Environment.UserName;
        record["host"] ??= Environment.MachineName;
        var line = record.ToJsonString(JsonText.Compact) + "\n";
        // O_APPEND writes of one line are atomic enough for concurrent runs on one machine.
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.WriteThrough);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
        stream.Write(bytes);
    }

    public static IEnumerable<JsonObject> Read(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.Length > 0 && JsonNode.Parse(line) is JsonObject record)
            {
                yield return record;
            }
        }
    }
}
