using Docker.DotNet.Models;
using SandboxBuild.Engine;

namespace SandboxBuild.Engine;

/// <summary>
/// Follows a sandbox while its command runs: the stats stream for peaks (for the audit log and evidence), the
/// engine's events for an out-of-memory kill, and the process count, so a fork bomb pinned at the pids limit is
/// stopped at once instead of at the timeout.
/// </summary>
public sealed class ResourceMonitor : IAsyncDisposable
{
    /// <summary>How long the process count may sit at its limit before the sandbox is judged a fork bomb.</summary>
    public static readonly TimeSpan PidsGrace = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _following;
    private readonly Action? _onPidsExhausted;
    private long _peakMemory;
    private long _peakPids;
    private long _pidsLimit;
    private long _memoryLimit;
    private int _outOfMemory;
    private int _pidsExhausted;
    private DateTimeOffset? _atLimitSince;

    private readonly EngineConnection _engine;
    private readonly string _containerId;

    private ResourceMonitor(EngineConnection engine, string containerId, Action? onPidsExhausted)
    {
        _engine = engine;
        _containerId = containerId;
        _onPidsExhausted = onPidsExhausted;
        var stats = engine.Client.Containers.GetContainerStatsAsync(containerId, new ContainerStatsParameters { Stream = true },
            new Immediately<ContainerStatsResponse>(Record), _stop.Token);
        var events = engine.Client.System.MonitorEventsAsync(new ContainerEventsParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["container"] = new Dictionary<string, bool> { [containerId] = true },
                ["event"] = new Dictionary<string, bool> { ["oom"] = true },
            },
        }, new Immediately<Message>(_ => Interlocked.Exchange(ref _outOfMemory, 1)), _stop.Token);
        _following = Task.WhenAll(stats, events);
    }

    /// <summary>
    /// The highest memory use seen; after an out-of-memory kill at least the limit, since the kernel kills only
    /// there, so a kill faster than the first sample still reports a true peak.
    /// </summary>
    public long PeakMemoryBytes => OutOfMemory ? Math.Max(Interlocked.Read(ref _peakMemory), Interlocked.Read(ref _memoryLimit)) : Interlocked.Read(ref _peakMemory);

    public long PeakPids => Interlocked.Read(ref _peakPids);

    public long PidsLimit => Interlocked.Read(ref _pidsLimit);

    /// <summary>The engine reported an out-of-memory kill in the sandbox.</summary>
    public bool OutOfMemory => Volatile.Read(ref _outOfMemory) == 1;

    /// <summary>The process count stayed at its limit for <see cref="PidsGrace"/>: the sandbox was stopped for it.</summary>
    public bool PidsExhausted => Volatile.Read(ref _pidsExhausted) == 1;

    public static ResourceMonitor Start(EngineConnection engine, string containerId, Action? onPidsExhausted = null) => new(engine, containerId, onPidsExhausted);

    /// <summary>
    /// Takes a last reading of the cgroup's own maximum, which a one-second stream can miss (from the host's
    /// cgroup file when it is this host's engine; else a one-shot sample, which waits up to a second for the
    /// engine's next tick) and, when the command ended by a signal, waits a moment for events the engine may
    /// still be delivering: an OOM kill is reported just after it happens. A command that exited normally
    /// costs no wait.
    /// </summary>
    public async Task SettleAsync(long? exitCode)
    {
        if (HostCgroup.PeakMemoryBytes(_containerId) is { } peak)
        {
            Max(ref _peakMemory, peak);
        }
        else
        {
            // Bounded: an engine asked for the stats of a sandbox that stops at that moment may never answer.
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            try
            {
                await _engine.Client.Containers.GetContainerStatsAsync(_containerId, new ContainerStatsParameters { Stream = false, OneShot = true },
                    new Immediately<ContainerStatsResponse>(Record), bounded.Token);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or Docker.DotNet.DockerApiException or OperationCanceledException)
            {
            }
        }

        for (var i = 0; i < 10 && !OutOfMemory && exitCode is null or >= 128; i++)
        {
            await Task.Delay(50);
        }
    }

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
        if (stats.MemoryStats?.Limit is { } memoryLimit and > 0 and < long.MaxValue)
        {
            Interlocked.Exchange(ref _memoryLimit, (long)memoryLimit);
        }

        var current = (long)(stats.PidsStats?.Current ?? 0);
        Max(ref _peakPids, current);
        if (stats.PidsStats?.Limit is not { } limit || limit is 0 or > long.MaxValue)
        {
            return;
        }

        Interlocked.Exchange(ref _pidsLimit, (long)limit);
        if (current < (long)limit)
        {
            _atLimitSince = null;
            return;
        }

        _atLimitSince ??= DateTimeOffset.UtcNow;
        if (DateTimeOffset.UtcNow - _atLimitSince >= PidsGrace && Interlocked.Exchange(ref _pidsExhausted, 1) == 0)
        {
            _onPidsExhausted?.Invoke();
        }
    }

    /// <summary>
    /// Reports on the reader's own thread. <see cref="Progress{T}"/> posts to the thread pool, so a sample could
    /// land after <see cref="SettleAsync"/> returned and the peaks were read: a one-shot sample was then lost.
    /// </summary>
    private sealed class Immediately<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private static void Max(ref long field, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, current) != current)
        {
        }
    }
}
