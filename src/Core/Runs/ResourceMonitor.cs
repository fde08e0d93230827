using Docker.DotNet.Models;
using SandboxBuild.Engine;

namespace SandboxBuild.Runs;

/// <summary>Follows a sandbox's stats stream and keeps the peaks, for the audit log and for evidence when a limit is hit.</summary>
public sealed class ResourceMonitor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _following;
    private long _peakMemory;
    private long _peakPids;
    private long _pidsLimit;

    private ResourceMonitor(EngineConnection engine, string containerId)
    {
        _following = engine.Client.Containers.GetContainerStatsAsync(containerId, new ContainerStatsParameters { Stream = true },
            new Progress<ContainerStatsResponse>(Record), _stop.Token);
    }

    public long PeakMemoryBytes => Interlocked.Read(ref _peakMemory);

    public long PeakPids => Interlocked.Read(ref _peakPids);

    public long PidsLimit => Interlocked.Read(ref _pidsLimit);

    /// <summary>True when the process count reached the limit: the mark a fork bomb leaves.</summary>
    public bool PidsLimitReached => PidsLimit > 0 && PeakPids >= PidsLimit;

    public static ResourceMonitor Start(EngineConnection engine, string containerId) => new(engine, containerId);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _following;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or Docker.DotNet.DockerApiException)
        {
        }

        _stop.Dispose();
    }

    private void Record(ContainerStatsResponse stats)
    {
        var memory = (long)(stats.MemoryStats?.MaxUsage ?? stats.MemoryStats?.Usage ?? 0);
        Max(ref _peakMemory, memory);
        Max(ref _peakPids, (long)(stats.PidsStats?.Current ?? 0));
        if (stats.PidsStats?.Limit is { } limit and > 0 and < long.MaxValue)
        {
            Interlocked.Exchange(ref _pidsLimit, (long)limit);
        }
    }

    private static void Max(ref long field, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, current) != current)
        {
        }
    }
}
