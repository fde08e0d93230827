namespace SandboxBuild.Runs;

/// <summary>
/// What runs inside, and what the restore sandbox restores first. `dotnet build/test/run/publish/pack` get
/// `--no-restore` (restore already happened in the restore sandbox, the only phase with a way out), and `dotnet test`
/// writes its results into the output folder unless told otherwise: TRX through `--logger trx` in VSTest mode;
/// in Microsoft.Testing.Platform mode only `--results-directory`, since that mode rejects `--logger` and TRX
/// needs an extension only the project knows it has (`--report-trx` passes through when the user gives it).
/// </summary>
public sealed record CommandPlan(IReadOnlyList<string> Command, bool NeedsRestore, string? RestoreTarget, IReadOnlyList<string> RestoreArguments)
{
    private static readonly HashSet<string> BuildVerbs = new(StringComparer.Ordinal) { "build", "test", "run", "publish", "pack" };

    // Options of those verbs that take a value as the next argument (so it is not mistaken for the project).
    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal)
    {
        "-c", "--configuration", "-f", "--framework", "-r", "--runtime", "-o", "--output", "--filter", "-l", "--logger",
        "--results-directory", "-v", "--verbosity", "-a", "--arch", "--os", "-s", "--settings", "-d", "--diag", "--collect",
        "-e", "--environment", "--artifacts-path", "--blame-crash-dump-type", "--blame-hang-timeout", "--blame-hang-dump-type",
        "--test-adapter-path", "--project", "--launch-profile", "-t", "--tl", "--property", "-p", "--version-suffix", "--ucr",
        "--solution", "--test-modules", "--root-directory", "--max-parallel-test-modules", "--minimum-expected-tests",
        "--report-trx-filename", "--config-file", "--diagnostic-output-directory", "--timeout",
    };

    public static IReadOnlyList<string> DefaultCommand { get; } = ["dotnet", "test"];

    /// <param name="runner">The repository's `dotnet test` mode at the command's folder (<see cref="TestRunnerMode.Detect"/>).</param>
    public static CommandPlan For(IReadOnlyList<string> requested, string outputTarget, TestRunner runner)
    {
        var command = requested.Count == 0 ? DefaultCommand.ToList() : requested.ToList();
        if (command.Count < 2 || command[0] != "dotnet" || !BuildVerbs.Contains(command[1]))
        {
            return new CommandPlan(command, NeedsRestore: false, null, []);
        }

        var arguments = command.Skip(2).ToList();
        var target = runner == TestRunner.MicrosoftTestingPlatform && command[1] == "test" ? ValueOf(arguments, "--project") ?? ValueOf(arguments, "--solution") : Positional(arguments);
        var needsRestore = !arguments.Contains("--no-restore") && !arguments.Contains("--no-build");
        if (!arguments.Contains("--no-restore"))
        {
            command.Add("--no-restore");
        }

        if (command[1] == "test" && runner == TestRunner.MicrosoftTestingPlatform)
        {
            if (!arguments.Contains("--results-directory"))
            {
                command.AddRange(["--results-directory", $"{outputTarget}/TestResults"]);
            }
        }
        else if (command[1] == "test")
        {
            if (!arguments.Any(a => a is "--logger" or "-l" || a.StartsWith("--logger:", StringComparison.Ordinal)) || !arguments.Any(a => a.Contains("trx", StringComparison.OrdinalIgnoreCase)))
            {
                command.AddRange(["--logger", "trx"]);
            }

            if (!arguments.Contains("--results-directory"))
            {
                command.AddRange(["--results-directory", $"{outputTarget}/TestResults"]);
            }
        }

        return new CommandPlan(command, needsRestore, target, RestoreRelevant(arguments));
    }

    private static string? ValueOf(List<string> arguments, string option) =>
        arguments.IndexOf(option) is var i and >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : null;

    private static string? Positional(List<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument == "--")
            {
                return null;
            }

            if (ValueOptions.Contains(argument))
            {
                i++;
                continue;
            }

            if (!argument.StartsWith('-'))
            {
                return argument;
            }
        }

        return null;
    }

    // Restore must see the same runtime and properties as the build, or the assets will not match.
    private static List<string> RestoreRelevant(List<string> arguments)
    {
        var relevant = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument is "-r" or "--runtime" or "-a" or "--arch" or "--os" or "-p" or "--property" && i + 1 < arguments.Count)
            {
                relevant.AddRange([argument, arguments[++i]]);
            }
            else if (argument.StartsWith("-p:", StringComparison.Ordinal) || argument.StartsWith("--property:", StringComparison.Ordinal)
                || argument.StartsWith("/p:", StringComparison.Ordinal))
            {
                relevant.Add(argument);
            }
        }

        return relevant;
    }
}
