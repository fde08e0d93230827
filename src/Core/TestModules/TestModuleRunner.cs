using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;
using SandboxBuild.Probing;
using SandboxBuild.Runs;
using SandboxBuild.Validation;

namespace SandboxBuild.TestModules;

/// <summary>One test module as MTP-mode `dotnet test` starts it, with everything the host knows about it.</summary>
public sealed record TestModuleRequest
{
    /// <summary>The sandboxed run: source, policy, limits, output. Its command and working folder are set here.</summary>
    public required RunRequest Run { get; init; }

    /// <summary>The test project on the host.</summary>
    public required string Project { get; init; }

    public string? Configuration { get; init; }

    public string? TargetFramework { get; init; }

    public string? RuntimeIdentifier { get; init; }

    /// <summary>The module's path on the host ($(TargetPath)): how the SDK knows it, though it is never built there.</summary>
    public required string TargetPath { get; init; }

    /// <summary>Where results go when `dotnet test` names no --results-directory.</summary>
    public required string DefaultResultsDirectory { get; init; }

    /// <summary>What the SDK appended to the module's command line.</summary>
    public required IReadOnlyList<string> ModuleArguments { get; init; }
}

/// <summary>
/// Runs one test module in the sandbox for MTP-mode `dotnet test`: the module is built and run inside under the
/// recorder; after the run the collector verifies the output; then, and only then, results are copied to the
/// results folder and the recorded messages are replayed to the SDK's pipe with artifact paths pointing at
/// the verified copies. Any failure before the replay exits non-zero before the handshake, which the SDK
/// reports as a failed module with this process's output (the sandbox's log).
/// </summary>
public sealed class TestModuleRunner(ISandboxLog log)
{
    private const string RecordFolder = "sandboxbuild";

    public async Task<int> RunAsync(TestModuleRequest request, CancellationToken cancellationToken)
    {
        var arguments = TestModules.ModuleArguments.Parse(request.ModuleArguments);
        InvokerEnvironment.Restore(log);
        var source = Path.GetFullPath(request.Run.SourceDirectory);
        var outputTarget = PolicyResolver.Resolve(request.Run.PolicyInputs(), source).Policy.OutputTarget;
        var command = new List<string>(ProbeRunner.Command("test-module", "--project", Path.GetFileName(request.Project), "--record", $"{outputTarget}/{RecordFolder}/{TestRecord.FileName}"));
        AddIf(command, "--configuration", request.Configuration);
        AddIf(command, "--framework", request.TargetFramework);
        AddIf(command, "--runtime", request.RuntimeIdentifier);
        command.AddRange(["--", "--results-directory", $"{outputTarget}/TestResults"]);
        if (arguments.ConfigFile is { } config)
        {
            command.AddRange(["--config-file", InsidePath(config, source)]);
        }

        if (arguments.DiagnosticOutputDirectory is not null)
        {
            command.AddRange(["--diagnostic-output-directory", $"{outputTarget}/Diagnostics"]);
        }

        command.AddRange(arguments.PassThrough);

        var result = await new RunPipeline(log).RunAsync(request.Run with
        {
            Command = command,
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(request.Project))!,
            // The module's build inside needs its packages: restored in the restore sandbox like any build.
            RestoreFor = new RestoreFor(Path.GetFileName(request.Project), request.RuntimeIdentifier is { } rid ? ["-r", rid] : []),
        }, cancellationToken);
        var published = result.PublishDirectory is { } publish ? PublishFolder.Files(publish) : null;
        var recordFile = published is null ? null : Path.Combine(published, RecordFolder, TestRecord.FileName);
        if (published is null || recordFile is null || !File.Exists(recordFile))
        {
            // The gate failed, the build failed, or the sandbox could not run: the module never started. The run's
            // own messages above say why; the SDK shows them because this exit comes before any handshake.
            return result.ExitCode == 0 ? ExitCodes.SandboxError : result.ExitCode;
        }

        var results = Path.GetFullPath(arguments.ResultsDirectory ?? request.DefaultResultsDirectory);
        var copied = ResultsCopy.CopyTree(Path.Combine(published, "TestResults"), results);
        if (arguments.DiagnosticOutputDirectory is { } diagnostics)
        {
            ResultsCopy.CopyTree(Path.Combine(published, "Diagnostics"), Path.GetFullPath(diagnostics));
        }

        var (frames, exitCode) = ReadRecord(recordFile);
        var filter = new PipeMessageFilter(inside => ArtifactOnHost(inside, $"{outputTarget}/TestResults/", copied),
            (SandboxPolicy.BuildTarget + "/", source.TrimEnd('/') + "/"));
        await TestPipeReplay.ReplayAsync(arguments.Pipe, frames, request.TargetPath, filter, cancellationToken);
        if (filter.DroppedArtifacts > 0)
        {
            log.Warning(Codes.TestArtifactDropped, $"{filter.DroppedArtifacts} file(s) the module announced did not come back through the collector and were not reported; only files under its results folder that the collector verified are.");
        }

        if (result.Outcome is not (RunOutcome.Succeeded or RunOutcome.CommandFailed))
        {
            return result.ExitCode; // timed out, killed, secrets blocked: SandboxBuild's own code wins over the module's.
        }

        // The module's own exit code, as the recorder saw it; if the sandboxed command ended with another failure,
        // that one. Both come from inside the sandbox, so neither can make a failure pass: a non-zero code wins.
        var recorded = exitCode ?? ExitCodes.SandboxError;
        return recorded != 0 ? recorded : (int)Math.Clamp(result.CommandExitCode ?? 0, 0, 255);
    }

    private static (IReadOnlyList<RecordedFrame> Frames, int? ExitCode) ReadRecord(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return TestRecord.Read(stream, maxTotalBytes: 256L << 20, maxFrames: 1_000_000);
        }
        catch (InvalidDataException e)
        {
            throw new SandboxException(Codes.TestRecordInvalid, $"The test module's record is malformed: {e.Message}.");
        }
    }

    private static string? ArtifactOnHost(string inside, string resultsInside, IReadOnlyDictionary<string, string> copied) =>
        inside.StartsWith(resultsInside, StringComparison.Ordinal) && copied.TryGetValue(inside[resultsInside.Length..], out var host) ? host : null;

    /// <summary>A file the module reads inside: it must be in the source, and is read from its staged copy.</summary>
    private static string InsidePath(string hostPath, string source)
    {
        var relative = Path.GetRelativePath(source, Path.GetFullPath(hostPath));
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new SandboxException(Codes.TestModuleArguments, $"The file '{SafeText.Escape(hostPath)}' is outside the sandboxed source '{source}', so the module cannot read it there.");
        }

        return $"{SandboxPolicy.BuildTarget}/{relative}";
    }

    private static void AddIf(List<string> command, string option, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            command.AddRange([option, value]);
        }
    }
}
