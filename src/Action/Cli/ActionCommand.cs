using System.CommandLine;
using SandboxBuild.Cli.GitHub;

namespace SandboxBuild.Cli;

/// <summary>`sandboxbuild action`: the GitHub Action's entrypoint (inputs from INPUT_*, see action.yml).</summary>
internal static class ActionCommand
{
    public static Command Create()
    {
        var action = new Command("action", "Run as the GitHub Action: read INPUT_*, run the command sandboxed, write $GITHUB_OUTPUT and the step summary.");
        CommandHost.SetAction(action, (_, log, cancellationToken) => ActionEntrypoint.RunAsync(log, cancellationToken));
        return action;
    }
}
