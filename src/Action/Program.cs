using System.CommandLine;
using SandboxBuild.Cli;

var root = new RootCommand("SandboxBuild: run builds, tests and AI-generated code in a no-network sandbox, behind a security gate that fails closed.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    DemoCommand.Create(),
    BakeCommand.Create(),
    CollectCommand.Create(),
    ActionCommand.Create(),
    TestModuleCommand.Create(),
};
root.Options.Add(CommandHost.Verbose);
root.Options.Add(CommandHost.LogFormat);
foreach (var command in SessionCommands.Create())
{
    root.Subcommands.Add(command);
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Parse errors are coded like every other message, so scripts and MSBuild see `error SBX4001: ...`.
    return CommandHost.ReportParseErrors(parsed);
}

// Ctrl-C or SIGTERM cancels the run, which then kills its sandbox and still collects what it wrote: give it
// the time for that instead of the library's default of two seconds.
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(2) });
