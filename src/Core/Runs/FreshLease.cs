using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Runs;

/// <summary>A sandbox made for one run from the policy, with a fresh private output folder; removed at the end.</summary>
internal sealed class FreshLease : SandboxLease
{
    /// <summary>
    /// How long a fresh sandbox outlives its run's deadline. The host kills it at the deadline; if the host
    /// process is gone by then (killed, crashed), the sandbox's own main process ends it this much later.
    /// </summary>
    public static readonly TimeSpan SelfEndGrace = TimeSpan.FromSeconds(15);

    private readonly EngineConnection _engine;
    private readonly OutputMount _output;
    private readonly SandboxPolicy _policy;
    private readonly IHostPaths _hostPaths;
    private readonly ISandboxLog _log;

    private FreshLease(SandboxContainer container, SandboxLayout layout, EngineConnection engine, OutputMount output, RunSetup setup, ISandboxLog log)
        : base(container, layout)
    {
        _engine = engine;
        _output = output;
        _policy = setup.Policy;
        _hostPaths = setup.HostPaths;
        _log = log;
    }

    public override string Description => $"fresh sandbox {Container.ShortId}";

    public static async Task<FreshLease> StartAsync(EngineConnection engine, RunSetup setup, string kind, ISandboxLog log, CancellationToken cancellationToken)
    {
        var output = OutputMount.Create(setup.State, setup.RunId, setup.Policy);
        try
        {
            var layout = setup.Layout(output.Path);
            var container = await SandboxFactory.StartAsync(engine, new SandboxRequest
            {
                Policy = setup.Policy,
                Layout = layout,
                Kind = kind,
                RunId = setup.RunId,
                RepositoryPath = setup.Source,
                Lifetime = setup.Policy.Timeout + SelfEndGrace,
                Agent = setup.Request.Agent,
                HostPaths = setup.HostPaths,
                Customize = setup.Request.Customize,
            }, cancellationToken);
            return new FreshLease(container, layout, engine, output, setup, log);
        }
        catch
        {
            await output.RemoveAsync(engine, setup.Policy, setup.HostPaths, log);
            throw;
        }
    }

    public override Task FreezeAsync() => Container.KillAsync();

    public override async ValueTask DisposeAsync()
    {
        await Container.RemoveAsync();
        await _output.RemoveAsync(_engine, _policy, _hostPaths, _log);
    }
}
