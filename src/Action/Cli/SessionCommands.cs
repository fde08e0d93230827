using System.CommandLine;
using System.Diagnostics;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Runs;

namespace SandboxBuild.Cli;

/// <summary>The pattern's everyday commands for a long-lived sandbox: start, exec, shell, status, logs, stop.</summary>
internal static class SessionCommands
{
    public static IEnumerable<Command> Create() => [Start(), Exec(), Shell(), Status(), Logs(), Stop()];

    private static Command Start()
    {
        var source = SharedOptions.Source();
        var policy = SharedOptions.Policy();
        var agent = SharedOptions.Agent();
        var limits = new SharedOptions.Limits();
        var idle = new Option<string>("--idle-timeout") { Description = "The sandbox ends after this long without use.", DefaultValueFactory = _ => "30m" };
        var trust = SharedOptions.TrustRepositoryPolicy();
        var start = new Command("start", "Start a long-lived sandbox for this repository (validated before use).") { source, policy, agent, idle, trust };
        limits.AddTo(start);
        CommandHost.SetAction(start, async (result, log, cancellationToken) =>
        {
            if (!Quantities.TryParseDuration(result.GetValue(idle)!, out var idleTimeout))
            {
                throw new SandboxException(Codes.InvalidInput, $"The idle timeout '{result.GetValue(idle)}' is not a duration such as 2h.");
            }

            var run = await new RunPipeline(log).RunAsync(new RunRequest
            {
                SourceDirectory = result.GetValue(source)!,
                Purpose = RunPurpose.Prove,
                Lease = LeaseKind.Warm,
                IdleTimeout = idleTimeout,
                PolicyFile = result.GetValue(policy),
                Overrides = limits.Read(result),
                Agent = result.GetValue(agent) ?? "default",
                TrustRepositoryPolicy = SharedOptions.Trusts(result, trust),
            }, cancellationToken);
            if (run.ExitCode == 0 && run.ContainerId is { } id)
            {
                Console.Out.WriteLine(id[..12]);
            }

            return run.ExitCode;
        });
        return start;
    }

    private static Command Exec()
    {
        var source = SharedOptions.Source();
        var policy = SharedOptions.Policy();
        var agent = SharedOptions.Agent();
        var output = new Option<string?>("--output", "-o") { Description = "Where this command's verified artifacts are published." };
        var command = new Argument<string[]>("command") { Description = "The command (after --). Default: dotnet test.", Arity = ArgumentArity.ZeroOrMore };
        var trust = SharedOptions.TrustRepositoryPolicy();
        var exec = new Command("exec", "Run a command in the running sandbox (no TTY needed); its output is collected like a run's.") { source, policy, agent, output, trust, command };
        CommandHost.SetAction(exec, async (result, log, cancellationToken) =>
        {
            var run = await new RunPipeline(log).RunAsync(new RunRequest
            {
                SourceDirectory = result.GetValue(source)!,
                Lease = LeaseKind.Warm,
                StartWarm = false,
                PolicyFile = result.GetValue(policy),
                Agent = result.GetValue(agent) ?? "default",
                Command = result.GetValue(command) ?? [],
                PublishDirectory = result.GetValue(output) is { } o ? Path.GetFullPath(o) : null,
                TrustRepositoryPolicy = SharedOptions.Trusts(result, trust),
            }, cancellationToken);
            return run.ExitCode;
        });
        return exec;
    }

    private static Command Shell()
    {
        var source = SharedOptions.Source();
        var agent = SharedOptions.Agent();
        var shell = new Command("shell", "Open an interactive shell in the running sandbox (needs the docker CLI and a terminal).") { source, agent };
        CommandHost.SetAction(shell, async (result, log, cancellationToken) =>
        {
            using var engine = await EngineConnection.ConnectAsync(log, cancellationToken);
            var folder = Path.GetFullPath(result.GetValue(source)!);
            var session = await new WarmSandboxes(engine, log).FindAsync(folder, result.GetValue(agent) ?? "default", cancellationToken)
                ?? throw new SandboxException(Codes.SandboxNotFound, $"No running sandbox for {folder}.");
            var docker = new ProcessStartInfo("docker") { UseShellExecute = false };
            foreach (var argument in new[] { "exec", "-it", "-w", SandboxPolicy.BuildTarget, session.ContainerId, "/bin/bash" })
            {
                docker.ArgumentList.Add(argument);
            }

            try
            {
                using var process = Process.Start(docker)!;
                await process.WaitForExitAsync(cancellationToken);
                return process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new SandboxException(Codes.InvalidInput, "The docker CLI is needed for an interactive shell.",
                    $"Install it, or run commands with `sandboxbuild exec -- <command>` (sandbox {session.ContainerId[..12]}).");
            }
        });
        return shell;
    }

    private static Command Status()
    {
        var source = SharedOptions.Source();
        var status = new Command("status", "List this repository's sandboxes and the last runs.") { source };
        CommandHost.SetAction(status, async (result, log, cancellationToken) =>
        {
            var folder = Path.GetFullPath(result.GetValue(source)!);
            using var engine = await EngineConnection.ConnectAsync(log, cancellationToken);
            var sandboxes = await new WarmSandboxes(engine, log).ListAsync(folder, allKinds: true, cancellationToken);
            log.Info($"Engine: Docker {engine.ServerVersion} (API {engine.ApiVersion}) at {engine.Endpoint}");
            log.Info(sandboxes.Count == 0 ? "No sandboxes for this repository." : $"{sandboxes.Count} sandbox(es):");
            foreach (var s in sandboxes)
            {
                log.Info($"  {s.ContainerId[..12]}  {s.Kind,-8} agent={s.Agent,-10} {s.State,-8} since {s.Created:u}  {s.Image}");
            }

            foreach (var record in AuditLog.Read(StatePaths.For(folder).AuditLog).TakeLast(5))
            {
                log.Info($"  run {record["runId"]}: {record["outcome"]} exit {record["exitCode"]} gate {(record["validation"]?["passed"]?.GetValue<bool?>() == true ? "passed" : "failed")} at {record["time"]}");
            }

            return 0;
        });
        return status;
    }

    private static Command Logs()
    {
        var source = SharedOptions.Source();
        var audit = new Option<bool>("--audit") { Description = "Print the audit log (JSON lines) instead of the last run's output." };
        var run = new Option<string?>("--run") { Description = "The run whose log to print. Default: the last one." };
        var logs = new Command("logs", "Print the last run's log, or the audit log.") { source, audit, run };
        CommandHost.SetAction(logs, (result, log, cancellationToken) =>
        {
            var state = StatePaths.For(Path.GetFullPath(result.GetValue(source)!));
            if (result.GetValue(audit))
            {
                foreach (var line in File.Exists(state.AuditLog) ? File.ReadLines(state.AuditLog) : [])
                {
                    Console.Out.WriteLine(line);
                }

                return Task.FromResult(0);
            }

            var file = result.GetValue(run) is { } id ? state.RunLog(id)
                : Directory.GetFiles(state.RunsFolder, "*.log").OrderBy(File.GetLastWriteTimeUtc).LastOrDefault();
            if (file is null || !File.Exists(file))
            {
                throw new SandboxException(Codes.SandboxNotFound, "No run log found for this repository.", "Run `sandboxbuild run` first.");
            }

            foreach (var line in File.ReadLines(file))
            {
                // Untrusted text from the sandbox: shown escaped so it cannot drive the terminal.
                Console.Out.WriteLine(SafeText.Escape(line, int.MaxValue));
            }

            return Task.FromResult(0);
        });
        return logs;
    }

    private static Command Stop()
    {
        var source = SharedOptions.Source();
        var agent = SharedOptions.Agent();
        var all = new Option<bool>("--all") { Description = "Emergency stop: end every sandbox of this repository, running commands included." };
        var stop = new Command("stop", "Stop this repository's sandbox (or, with --all, every sandbox of it).") { source, agent, all };
        CommandHost.SetAction(stop, async (result, log, cancellationToken) =>
        {
            using var engine = await EngineConnection.ConnectAsync(log, cancellationToken);
            var stopped = await new WarmSandboxes(engine, log).StopAsync(Path.GetFullPath(result.GetValue(source)!), result.GetValue(agent), result.GetValue(all), cancellationToken);
            log.Info(stopped == 0 ? "Nothing to stop." : $"Stopped {stopped} sandbox(es).");
            return 0;
        });
        return stop;
    }
}
