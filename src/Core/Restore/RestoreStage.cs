using System.Diagnostics;
using System.Globalization;
using System.Text;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Restore;

/// <summary>
/// The prepare stage's restore: the only place the repository's project files are evaluated before the
/// build, in a restore sandbox whose only way out is the egress proxy. Unchanged inputs reuse the previous
/// restore with no sandbox and no proxy. The build sandbox then mounts the package folder read-only at the
/// same path and overlays the results onto its staged source; nothing of the repository chooses a mount.
/// It reports nothing itself: the caller logs the result (the proxy's findings, the restore sandbox's gate).
/// </summary>
public static class RestoreStage
{
    public static async Task<RestoreResult> RunAsync(EngineConnection engine, SandboxPolicy policy, RestorePlan plan, ISandboxLog log, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var restorePolicy = RestorePolicy.From(policy);
        var hash = RestoreInputs.Hash(plan.SourceDirectory, plan, policy.Image, restorePolicy.User);
        var canaries = plan.Credentials.Select(c => c.Password).ToArray();
        log.Detail($"[input] restore inputs={hash} feeds={string.Join(' ', plan.Feeds)} hashed in {clock.ElapsedMilliseconds} ms");
        var cache = new RestoreCache(plan.StateFolder);
        // One restore of the same inputs at a time: a solution's test projects share one, and start together.
        using var sameInputs = await cache.LockAsync(hash, () => log.Info("Waiting for another run's restore of the same inputs ..."), cancellationToken);
        if (plan.Reuse && cache.Find(hash) is { } previous)
        {
            log.Info($"Restore inputs unchanged: reusing the previous restore (no restore sandbox; {clock.Elapsed.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture)} ms).");
            return new RestoreResult
            {
                Outcome = RestoreOutcome.Reused, PackageFolder = previous.Packages, ResultsFolder = previous.Results, InputsHash = hash,
                Canaries = canaries, Duration = clock.Elapsed,
            };
        }

        var runId = SandboxLabels.NewRunId();
        var (uid, gid) = SandboxSpec.NumericUser(restorePolicy.User);
        var probeVolume = await ProbeVolume.EnsureAsync(engine, policy.Image, cancellationToken);
        var entry = cache.Create(hash, runId, uid, gid);
        var keep = false;
        Task<IReadOnlyList<Validation.Finding>>? egress = null;
        try
        {
            RestoreRun run;
            var work = RestoreWorkFolder.Create(cache.Root, runId, uid, gid, TrustedNuGetConfig.Render(plan.Feeds, plan.Credentials), Certificates(plan));
            // Squid starts while the restore sandbox is created and proven; it is waited for only before restore runs.
            var proxy = StartProxy(plan, work, uid, gid);
            try
            {
                run = await new RestoreSandbox(engine, restorePolicy, plan, log).RunAsync(runId, entry, work, probeVolume, proxy, cancellationToken);
            }
            finally
            {
                // The restore sandbox is gone: the trusted config (it may hold a feed credential) goes now. Squid takes a
                // second to stop: the build sandbox starts meanwhile, and the findings are read when it has.
                work.RemoveConfig();
                egress = StopAsync(proxy, work, log);
            }

            keep = run.Outcome == RestoreOutcome.Restored;
            log.Info($"Restore stage: {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s in the restore sandbox (its gate {run.Gate.Duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s), {run.Outcome.ToString().ToLowerInvariant()}.");
            if (keep)
            {
                RestoreCache.Complete(entry, hash, clock.Elapsed);
                await cache.PruneAsync(engine, policy.Image, restorePolicy.User, plan.HostPaths, entry, log);
            }
            else
            {
                await egress;
            }

            return new RestoreResult
            {
                Outcome = run.Outcome,
                PackageFolder = keep ? entry.Packages : null,
                ResultsFolder = keep ? entry.Results : null,
                InputsHash = hash,
                Egress = egress,
                Gate = run.Gate,
                Canaries = canaries,
                Duration = clock.Elapsed,
                ExitCode = run.ExitCode,
            };
        }
        catch
        {
            // What the proxy refused is evidence of a failed run too. (Not an exception filter: filters run before
            // the finally above has started the proxy's stop.)
            if (egress is not null)
            {
                EgressLog.Report(log, await egress);
            }

            throw;
        }
        finally
        {
            if (!keep)
            {
                await RestoreCache.RemoveAsync(engine, policy.Image, restorePolicy.User, plan.HostPaths, entry.Folder, log);
            }
        }
    }

    private static EgressProxy StartProxy(RestorePlan plan, RestoreWorkFolder work, int? uid, int? gid)
    {
        try
        {
            return EgressProxy.Start(new EgressProxyOptions
            {
                Allowed = EgressEndpoint.From(plan.Feeds),
                SocketFolder = work.Proxy,
                SocketOwner = uid is { } u ? (u, gid ?? u) : null,
                HostsFile = plan.ProxyHostsFile,
                DnsServers = plan.ProxyDnsServers,
            });
        }
        catch
        {
            work.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops the proxy, then reads its whole log (Squid has stopped) and removes the restore's work folder. It
    /// runs beside the next stages, so it never throws: what goes wrong is logged, and a log that cannot be read
    /// gives no findings.
    /// </summary>
    private static async Task<IReadOnlyList<Validation.Finding>> StopAsync(EgressProxy proxy, RestoreWorkFolder work, ISandboxLog log)
    {
        try
        {
            await proxy.DisposeAsync();
            return proxy.Findings();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            log.Detail($"stopping the egress proxy: {e.Message}");
            return [];
        }
        finally
        {
            work.Dispose();
        }
    }

    /// <summary>The CA bundle the restore sandbox trusts: the host's, plus any the trusted side names; null for the image's own.</summary>
    private static string? Certificates(RestorePlan plan)
    {
        var files = (plan.HostCertificates is { } host ? [host] : Array.Empty<string>()).Concat(plan.ExtraCertificates).ToArray();
        if (files.Length == 0)
        {
            return null;
        }

        var bundle = new StringBuilder();
        foreach (var file in files)
        {
            bundle.Append(File.ReadAllText(file)).Append('\n');
        }

        return bundle.ToString();
    }
}
