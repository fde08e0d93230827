using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Runs;

/// <summary>
/// The commands a warm sandbox has run, oldest first. A warm sandbox is one trust domain: what a run
/// publishes may have been shaped by anything run in it before, so its provenance names them all.
/// </summary>
internal sealed class SessionHistory
{
    private readonly string _file;
    private readonly List<(string RunId, IReadOnlyList<string> Command)> _commands;

    private SessionHistory(string file, string sessionId, List<(string, IReadOnlyList<string>)> commands)
    {
        _file = file;
        SessionId = sessionId;
        _commands = commands;
    }

    /// <summary>The run that started the sandbox.</summary>
    public string SessionId { get; }

    public IReadOnlyList<(string RunId, IReadOnlyList<string> Command)> Commands => _commands;

    public static SessionHistory Begin(StatePaths state, string agent, string sessionId)
    {
        var file = FileOf(state, agent);
        File.WriteAllText(file, new JsonObject { ["session"] = sessionId }.ToJsonString(JsonText.Compact) + "\n");
        return new SessionHistory(file, sessionId, []);
    }

    /// <summary>The history of a running session; one whose file belongs to another session starts over.</summary>
    public static SessionHistory Of(StatePaths state, string agent, string sessionId)
    {
        var file = FileOf(state, agent);
        var lines = File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToArray() : [];
        if (lines.Length == 0 || lines[0]["session"]?.GetValue<string>() != sessionId)
        {
            return Begin(state, agent, sessionId);
        }

        var commands = lines.Skip(1)
            .Select(l => (l["run"]!.GetValue<string>(), (IReadOnlyList<string>)l["command"]!.AsArray().Select(c => c!.GetValue<string>()).ToArray()))
            .ToList();
        return new SessionHistory(file, sessionId, commands);
    }

    public void Record(string runId, IReadOnlyList<string> command)
    {
        _commands.Add((runId, command));
        var line = new JsonObject { ["run"] = runId, ["command"] = new JsonArray(command.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()) };
        File.AppendAllText(_file, line.ToJsonString(JsonText.Compact) + "\n");
    }

    private static string FileOf(StatePaths state, string agent)
    {
        var folder = Path.Combine(state.Root, "sessions");
        StatePaths.CreatePrivate(folder);
        return Path.Combine(folder, $"{string.Concat(agent.Where(char.IsAsciiLetterOrDigit))}.history");
    }
}
