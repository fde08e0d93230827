using SandboxBuild.Diagnostics;

namespace SandboxBuild.TestModules;

/// <summary>
/// The arguments MTP-mode `dotnet test` appends when it starts a test module (dotnet/sdk TestApplication.cs):
/// `--results-directory`, `--config-file`, `--diagnostic-output-directory`, `--help`, `--list-tests`, every
/// test-application argument the user gave, then `--server dotnettestcli --dotnet-test-pipe NAME`. Host paths
/// are taken out (they mean nothing inside, or point outside the source); everything else goes to the module
/// inside the sandbox unchanged, where it can do no more than the module itself.
/// </summary>
public sealed record ModuleArguments
{
    public required string Pipe { get; init; }

    public string? ResultsDirectory { get; init; }

    public string? ConfigFile { get; init; }

    public string? DiagnosticOutputDirectory { get; init; }

    /// <summary>What the module gets inside, without the host paths and the pipe.</summary>
    public required IReadOnlyList<string> PassThrough { get; init; }

    // Options whose value is a host path: taken out here and replaced by a path inside the sandbox.
    private static readonly HashSet<string> PathOptions = new(StringComparer.Ordinal)
    {
        "--results-directory", "--config-file", "--diagnostic-output-directory",
    };

    // Options of MTP extensions that write to a host path of the user's choosing; inside they would write
    // nowhere the host can read, so they are refused rather than silently lost.
    private static readonly HashSet<string> RefusedPathOptions = new(StringComparer.Ordinal)
    {
        "--diagnostic-output-fileprefix", "--coverage-output", "--hangdump-filename", "--crashdump-filename",
    };

    public static ModuleArguments Parse(IReadOnlyList<string> arguments)
    {
        string? pipe = null, server = null, results = null, config = null, diagnostics = null;
        var passThrough = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            string Value() => i + 1 < arguments.Count
                ? arguments[++i]
                : throw new SandboxException(Codes.TestModuleArguments, $"The option '{SafeText.Escape(argument)}' has no value.");

            switch (argument)
            {
                case "--dotnet-test-pipe": pipe = Value(); break;
                case "--server": server = Value(); break;
                case "--results-directory": results = Value(); break;
                case "--config-file": config = Value(); break;
                case "--diagnostic-output-directory": diagnostics = Value(); break;
                default:
                    if (RefusedPathOptions.Contains(argument) || PathOptions.Any(o => argument.StartsWith(o + "=", StringComparison.Ordinal) || argument.StartsWith(o + ":", StringComparison.Ordinal)))
                    {
                        throw new SandboxException(Codes.TestModuleArguments,
                            $"The test argument '{SafeText.Escape(argument)}' names a host path the sandboxed module cannot write to; results come back through --results-directory only.");
                    }

                    passThrough.Add(argument);
                    break;
            }
        }

        if (pipe is null || server != "dotnettestcli")
        {
            throw new SandboxException(Codes.TestModuleOutsideDotnetTest,
                "This test project runs its tests only in the sandbox, through `dotnet test`; it was started some other way (dotnet run, an IDE, or the module directly).");
        }

        return new ModuleArguments { Pipe = pipe, ResultsDirectory = results, ConfigFile = config, DiagnosticOutputDirectory = diagnostics, PassThrough = passThrough };
    }
}
