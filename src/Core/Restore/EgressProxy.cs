using SandboxBuild.Engine;
using SandboxBuild.Validation;

namespace SandboxBuild.Restore;

/// <summary>What one restore's proxy allows and where its socket goes.</summary>
public sealed record EgressProxyOptions
{
    public required IReadOnlyList<EgressEndpoint> Allowed { get; init; }

    /// <summary>A fresh folder of this restore, mounted read-only into the restore sandbox; the socket is made in it.</summary>
    public required string SocketFolder { get; init; }

    /// <summary>The restore sandbox's uid and gid, who alone may connect to the socket.</summary>
    public (int Uid, int Gid)? SocketOwner { get; init; }

    /// <summary>Names mapped to addresses for this proxy only (tests map feed names to local fixtures).</summary>
    public string? HostsFile { get; init; }

    public IReadOnlyList<string> DnsServers { get; init; } = [];

    /// <summary>The Squid to run: Debian's (squid-openssl), or SANDBOXBUILD_SQUID.</summary>
    public string SquidBinary { get; init; } = SquidProcess.DefaultBinary;
}

/// <summary>
/// The restore sandbox's only way out: one Squid on a free loopback port, reachable through a unix socket in
/// the restore's proxy folder. The socket exists as soon as this returns (the gate can find it while Squid
/// still starts); <see cref="WaitUntilReadyAsync"/> waits for Squid itself. Disposing stops and removes
/// both, whatever happened before.
/// </summary>
public sealed class EgressProxy : IAsyncDisposable
{
    private readonly SquidProcess _squid;
    private readonly ProxyRelay _relay;
    private Task? _stopping;

    private EgressProxy(SquidProcess squid, ProxyRelay relay)
    {
        _squid = squid;
        _relay = relay;
    }

    public string SocketPath => _relay.SocketPath;

    public int Port => _squid.Settings.Port;

    public int RelayedConnections => _relay.Connections;

    internal int ProcessId => _squid.ProcessId;

    /// <summary>Squid's private folder (configuration, key pair, logs); gone once disposed.</summary>
    internal string PrivateFolder => _squid.Folder.Path;

    public static EgressProxy Start(EgressProxyOptions options)
    {
        var squid = SquidProcess.Start(options.SquidBinary, options.Allowed, options.HostsFile, options.DnsServers);
        try
        {
            return new EgressProxy(squid, ProxyRelay.Start(options.SocketFolder, squid.Settings.Port, options.SocketOwner));
        }
        catch
        {
            squid.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public Task WaitUntilReadyAsync(CancellationToken cancellationToken) => _squid.WaitUntilReadyAsync(cancellationToken);

    /// <summary>Every decision the proxy logged so far.</summary>
    public IReadOnlyList<EgressEvent> Events() => EgressLog.Parse(_squid.AccessLogLines());

    /// <summary>One finding per refused host (and per name mismatch), however often it was tried.</summary>
    public IReadOnlyList<Finding> Findings() => EgressLog.Findings(Events());

    /// <summary>
    /// Closes the socket, then stops Squid (which takes it a second); the same task for every caller. Called as
    /// soon as restore exits, so the proxy stops while the outputs are collected and the build sandbox starts.
    /// </summary>
    public Task StopAsync()
    {
        lock (_relay)
        {
            return _stopping ??= StopOnceAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StopOnceAsync()
    {
        try
        {
            await _relay.DisposeAsync();
        }
        finally
        {
            await _squid.DisposeAsync();
        }
    }
}
