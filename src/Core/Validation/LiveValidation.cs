using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Runs;

namespace SandboxBuild.Validation;

/// <summary>
/// Proves a policy on a real sandbox: creates one exactly as a run would (same image, mounts, limits), runs
/// the runtime gate and the probes in it with no user code at all, and removes it.
/// </summary>
public static class LiveValidation
{
    public static async Task<ValidationReport> ValidatePolicyAsync(
        EngineConnection engine,
        SandboxPolicy policy,
        string sourceDirectory,
        HostContext host,
        ISandboxLog log,
        CancellationToken cancellationToken,
        IHostPaths? hostPaths = null,
        Action<CreateContainerParameters>? customize = null,
        string kind = "validate",
        System.Net.IPAddress? listenAddress = null)
    {
        hostPaths ??= IdentityHostPaths.Instance;
        var runId = SandboxLabels.NewRunId();
        var state = StatePaths.For(sourceDirectory);
        var output = OutputMount.Create(state, runId, policy);
        try
        {
            var layout = await SandboxFactory.LayoutAsync(engine, policy, sourceDirectory, output.Path, cancellationToken);
            await using var container = await SandboxFactory.StartAsync(engine, new SandboxRequest
            {
                Policy = policy,
                Layout = layout,
                Kind = kind,
                RunId = runId,
                RepositoryPath = sourceDirectory,
                Lifetime = TimeSpan.FromMinutes(5),
                HostPaths = hostPaths,
                Customize = customize,
            }, cancellationToken);
            log.Detail($"validation sandbox {container.ShortId} started");
            return await Gate.JudgeRunningAsync(engine, container, policy, layout, host with { RepositoryRoot = hostPaths.ToHost(sourceDirectory) }, cancellationToken, listenAddress);
        }
        finally
        {
            await output.RemoveAsync(engine, policy, log);
        }
    }
}
