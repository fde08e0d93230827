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

return await root.Parse(args).InvokeAsync();
