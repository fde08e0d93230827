namespace SandboxBuild.Tests;

/// <summary>
/// The GitHub Actions runner's command processing, written from its source (actions/runner: ProcessInvoker reads
/// lines with StreamReader.ReadLine; ActionCommand.TryParseV2 trims leading whitespace and wants `::name ...::`;
/// TryParse finds `##[name ...]` anywhere; ActionCommandManager matches names ignoring case, and while stopped
/// by `stop-commands` acts only on the token). Feeding it a log tells which commands the runner would run.
/// </summary>
internal static class RunnerModel
{
    private static readonly HashSet<string> Registered = new(StringComparer.OrdinalIgnoreCase)
    {
        "stop-commands", "add-mask", "error", "warning", "notice", "debug", "set-output", "set-env", "add-path", "save-state", "group", "endgroup", "echo",
        "add-matcher", "remove-matcher",
    };

    /// <summary>The commands the runner would act on, in order (stop and resume included), as (name, data).</summary>
    public static List<(string Name, string Data)> Process(string log)
    {
        var acted = new List<(string, string)>();
        string? stopToken = null;
        var reader = new StringReader(log);
        while (reader.ReadLine() is { } line)
        {
            var known = stopToken is null ? Registered : new HashSet<string>(Registered, StringComparer.OrdinalIgnoreCase) { stopToken };
            if (Parse(line, known) is not { } command)
            {
                continue;
            }

            if (stopToken is not null)
            {
                if (string.Equals(command.Name, stopToken, StringComparison.OrdinalIgnoreCase))
                {
                    acted.Add(("resume", command.Name));
                    stopToken = null;
                }

                continue;
            }

            if (string.Equals(command.Name, "stop-commands", StringComparison.OrdinalIgnoreCase))
            {
                stopToken = command.Data;
            }

            acted.Add(command);
        }

        return acted;
    }

    /// <summary>Whether commands are still stopped at the end of the log (the runner's stop state outlives a step).</summary>
    public static bool EndsStopped(string log)
    {
        var acted = Process(log);
        var stops = acted.Count(a => a.Name.Equals("stop-commands", StringComparison.OrdinalIgnoreCase));
        return stops > acted.Count(a => a.Name == "resume");
    }

    private static (string Name, string Data)? Parse(string line, HashSet<string> known)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("::", StringComparison.Ordinal))
        {
            var end = trimmed.IndexOf("::", 2, StringComparison.Ordinal);
            if (end >= 0)
            {
                var info = trimmed[2..end];
                var name = info.Split(' ')[0];
                if (known.Contains(name))
                {
                    return (name, trimmed[(end + 2)..]);
                }
            }
        }

        var prefix = line.IndexOf("##[", StringComparison.Ordinal);
        if (prefix >= 0 && line.IndexOf(']', prefix) is var close and >= 0)
        {
            var name = line[(prefix + 3)..close].Split(' ')[0];
            if (known.Contains(name))
            {
                return (name, line[(close + 1)..]);
            }
        }

        return null;
    }
}
