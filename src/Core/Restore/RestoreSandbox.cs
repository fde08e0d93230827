using System.Globalization;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Restore;

/// <summary>How one restore sandbox went.</summary>
internal sealed record RestoreRun(RestoreOutcome Outcome, ValidationReport Gate, long? ExitCode);

/// <summary>
/// One restore sandbox: created from the restore policy through the same spec as the build sandbox, proven by
/// the gate plus the restore checks before anything of the repository runs, then (the source staged into its
/// workspace meanwhile) start the forwarder and run `dotnet restore` with the trusted config, collect restore's outputs
/// into the results folder. Killed and removed afterwards, whatever happened.
/// </summary>
internal sealed class RestoreSandbox(EngineConnection engine, SandboxPolicy policy, RestorePlan plan, ISandboxLog log)
{
    public async Task<RestoreRun> RunAsync(string runId, RestoreEntry entry, RestoreWorkFolder work, string probeVolume, EgressProxy proxy, CancellationToken cancellationToken)
    {
        var source = Path.GetFullPath(plan.SourceDirectory);
        var layout = Layout(source, entry, work, probeVolume);
        var environment = RestoreEnvironment.Build(withCertificates: File.Exists(Path.Combine(work.Config, RestoreLayout.CertificatesFileName)));
        var labels = SandboxLabels.For("restore", runId, source, PolicyCanonical.Sha256(policy), DateTimeOffset.UtcNow + policy.Timeout + TimeSpan.FromMinutes(5), plan.Agent);
        var parameters = SandboxSpec.Create(policy, layout, environment, labels, policy.Timeout + TimeSpan.FromMinutes(2), plan.HostPaths);
        plan.Customize?.Invoke(parameters);

        await using var container = await SandboxContainer.StartAsync(engine, parameters, cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(policy.Timeout);
        await using var killOnDeadline = deadline.Token.Register(() => _ = container.KillAsync());
        try
        {
            log.Info($"Restore sandbox {container.ShortId} started; validating it before the repository's project files are read ...");
            // The stager is our own code from the probe volume: it copies the source while the gate proves the
            // sandbox (nothing of the repository runs), and its copy goes with the sandbox if the gate fails.
            var staging = StageAsync(container, deadline.Token);
            ValidationReport gate;
            try
            {
                gate = await JudgeAsync(container, layout, entry, work, environment, deadline.Token);
            }
            catch
            {
                await StopStagingAsync(container, staging);
                throw;
            }

            if (!gate.Passed)
            {
                await StopStagingAsync(container, staging);
                return new RestoreRun(RestoreOutcome.GateFailed, gate, null);
            }

            await staging;
            await proxy.WaitUntilReadyAsync(deadline.Token);
            var exit = await RestoreAsync(container, source, proxy, deadline.Token);
            return new RestoreRun(exit == 0 ? RestoreOutcome.Restored : RestoreOutcome.Failed, gate, exit);
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested
            && e is OperationCanceledException or IOException or EngineException)
        {
            throw new SandboxException(Codes.RestoreTimedOut, $"Restore did not finish within {policy.Timeout}; the restore sandbox was stopped.");
        }
        finally
        {
            await container.KillAsync();
        }
    }

    private SandboxLayout Layout(string source, RestoreEntry entry, RestoreWorkFolder work, string probeVolume)
    {
        var mounts = new List<MountSpec>
        {
            new(entry.Packages, RestoreLayout.PackagesTarget, ReadOnly: false),
            new(work.Proxy, RestoreLayout.ProxyTarget, ReadOnly: true),
            new(work.Config, RestoreLayout.ConfigTarget, ReadOnly: true),
        };
        mounts.AddRange(plan.Feeds.Select((feed, i) => (feed, i)).Where(f => f.feed.Kind == FeedKind.Folder)
            .Select(f => new MountSpec(f.feed.Location, RestoreLayout.FeedTarget(f.i), ReadOnly: true)));
        return new SandboxLayout
        {
            SourceDirectory = source,
            OutputDirectory = entry.Results,
            ProbeVolume = probeVolume,
            ExtraMounts = mounts,
        };
    }

    /// <summary>The gate every sandbox passes, told what the restore sandbox has on purpose, plus the restore checks.</summary>
    private async Task<ValidationReport> JudgeAsync(
        SandboxContainer container, SandboxLayout layout, RestoreEntry entry, RestoreWorkFolder work, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var host = (plan.Host ?? HostContext.Current(plan.SourceDirectory)) with { RepositoryRoot = plan.HostPaths.ToHost(plan.SourceDirectory) };
        var allowances = new GateAllowances
        {
            WritableTargets = [RestoreLayout.PackagesTarget],
            ChannelSockets = [RestoreLayout.ProxySocketTarget],
            // A private feed's credential is in the trusted config on purpose, and nowhere else.
            SanctionedCredentials = plan.Credentials.Count > 0 ? [$"{RestoreLayout.ConfigTarget}/{RestoreLayout.ConfigFileName}"] : [],
        };
        var gate = await Gate.JudgeRunningAsync(engine, container, policy, layout, host, cancellationToken, plan.ListenAddress, allowances);

        var description = await container.DescribeAsync(cancellationToken);
        var facts = new RestoreFacts
        {
            NetworkMode = description.NetworkMode,
            Mounts = description.Mounts,
            Environment = description.Environment.Select(e => e.Split('=', 2)).Select(p => new EnvFact(p[0], p.Length > 1 ? p[1] : "")).ToArray(),
            ImageEnvironment = await engine.ImageEnvironmentAsync(description.ImageId, cancellationToken),
            Probe = gate.Probe,
        };
        var expected = new RestoreExpectations
        {
            ProxyFolder = plan.HostPaths.ToHost(work.Proxy),
            PackagesFolder = plan.HostPaths.ToHost(entry.Packages),
            ResultsFolder = plan.HostPaths.ToHost(entry.Results),
            Environment = environment,
            Secrets = [.. plan.Canaries, .. plan.Credentials.Select(c => c.Password)],
        };
        return gate.With(RestoreChecks.Judge(facts, expected));
    }

    /// <summary>Where restore runs inside: the staged copy of the requested folder, never outside it.</summary>
    internal static string WorkingDirectory(string source, string requested)
    {
        var relative = Path.GetRelativePath(source, Path.GetFullPath(requested, source));
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new SandboxException(Codes.InvalidInput, $"The working directory '{SafeText.Escape(requested)}' is outside the source folder.");
        }

        return relative == "." ? SandboxPolicy.BuildTarget : $"{SandboxPolicy.BuildTarget}/{relative}";
    }

    /// <summary>A sandbox that failed its gate is killed at once, which ends the stager with it (a huge tree is not waited for).</summary>
    private static async Task StopStagingAsync(SandboxContainer container, Task staging)
    {
        await container.KillAsync();
        await Task.WhenAny(staging);
    }

    /// <summary>Copies the source into the restore sandbox's workspace (the mount itself is read-only).</summary>
    private async Task StageAsync(SandboxContainer container, CancellationToken cancellationToken)
    {
        var stage = await container.RunAsync(Validation.ProbeRunner.Command("stage", "--from", policy.SourceTarget, "--to", SandboxPolicy.BuildTarget),
            Validation.ProbeRunner.HardenedEnvironment, SandboxPolicy.BuildTarget, cancellationToken);
        if (stage.ExitCode != 0)
        {
            throw new SandboxException(Codes.StageFailed, $"Staging the source for restore failed (exit {stage.ExitCode}): {SafeText.Escape(stage.StdErr.Trim(), 500)}");
        }
    }

    /// <summary>Restore through the forwarder, collect the outputs; the restore's exit code (0: all done).</summary>
    private async Task<long> RestoreAsync(SandboxContainer container, string source, EgressProxy proxy, CancellationToken cancellationToken)
    {
        var workingDirectory = WorkingDirectory(source, plan.WorkingDirectory);
        List<string> restore =
        [
            "forward", "--listen", RestoreLayout.ForwarderAddress, "--socket", RestoreLayout.ProxySocketTarget, "--",
            Validation.ProbeRunner.DotnetHost, "restore",
        ];
        if (plan.Target is { } target)
        {
            restore.Add(target);
        }

        restore.AddRange(["--configfile", $"{RestoreLayout.ConfigTarget}/{RestoreLayout.ConfigFileName}", "--packages", RestoreLayout.PackagesTarget]);
        restore.AddRange(plan.Arguments);
        log.Info($"Restoring in the sandbox through the egress proxy: dotnet {string.Join(' ', restore.SkipWhile(a => a != "restore"))}");
        // Restore's output is the repository's text: it goes out live as sandbox output, fenced where the log needs it.
        var result = await container.ExecAsync(Validation.ProbeRunner.Command([.. restore]), Validation.ProbeRunner.HardenedEnvironment, workingDirectory,
            log.Output, cancellationToken);
        // Nothing needs the way out any more (whatever restore left running loses it now).
        _ = proxy.StopAsync();
        if (result.ExitCode != 0)
        {
            return result.ExitCode;
        }

        log.Detail($"restore finished in {result.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        var collect = await container.RunAsync(Validation.ProbeRunner.Command("restore-results", "--from", SandboxPolicy.BuildTarget, "--to", RestoreLayout.ResultsTarget),
            Validation.ProbeRunner.HardenedEnvironment, SandboxPolicy.BuildTarget, cancellationToken);
        if (collect.ExitCode != 0)
        {
            throw new SandboxException(Codes.SandboxRestoreFailed, $"Collecting restore's outputs failed (exit {collect.ExitCode}): {SafeText.Escape(collect.StdErr.Trim(), 500)}");
        }

        log.Detail(collect.StdOut.Trim());
        return 0;
    }
}
