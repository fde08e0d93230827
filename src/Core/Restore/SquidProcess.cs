using SandboxBuild.Engine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SandboxBuild.Diagnostics;
using SandboxBuild.Host;

namespace SandboxBuild.Restore;

/// <summary>
/// One Squid, started for one restore: in the foreground (`-N`), with its own service name (Squid names its
/// shared-memory segments after it, so parallel instances never meet), as an unprivileged user, from a
/// private folder, with an environment that holds nothing of ours. Stopping it removes every trace.
/// </summary>
internal sealed class SquidProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private IReadOnlyList<string>? _finalAccessLog;

    private SquidProcess(Process process, ProxyFolder folder, string serviceName, SquidSettings settings)
    {
        _process = process;
        Folder = folder;
        ServiceName = serviceName;
        Settings = settings;
    }

    public ProxyFolder Folder { get; }

    public string ServiceName { get; }

    public SquidSettings Settings { get; }

    public int ProcessId => _process.Id;

    /// <summary>Debian's Squid, or SANDBOXBUILD_SQUID.</summary>
    public static string DefaultBinary => Environment.GetEnvironmentVariable("SANDBOXBUILD_SQUID") is { Length: > 0 } configured ? configured : "/usr/sbin/squid";

    public static SquidProcess Start(string binary, IReadOnlyList<EgressEndpoint> allowed, string? hostsFile, IReadOnlyList<string> dnsServers)
    {
        if (!File.Exists(binary))
        {
            throw new SandboxException(Codes.ProxyMissing, $"Squid was not found at {binary}.");
        }

        ProxyFolder.SweepLeftovers();
        var user = NativeHost.EffectiveUserId == 0
            ? ProxyUser.Unprivileged() ?? throw new SandboxException(Codes.ProxyStartFailed, "Neither a `proxy` nor a `nobody` account exists to run Squid unprivileged.")
            : null;
        var serviceName = $"sbx{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var folder = ProxyFolder.Create(serviceName);
        try
        {
            var settings = new SquidSettings
            {
                Port = FreePort(),
                Folder = folder.Path,
                Allowed = allowed,
                HostsFile = hostsFile is null ? null : folder.Copy(hostsFile, "hosts"),
                DnsServers = dnsServers,
            };
            ThrowawayKeyPair.Write(settings.CertificateFile, settings.KeyFile);
            var config = Path.Combine(folder.Path, "squid.conf");
            File.WriteAllText(config, SquidConfig.Render(settings));
            folder.HandTo(user);

            string[] squid = ["-N", "-f", config, "-n", serviceName];
            var start = new ProcessStartInfo(user is null ? binary : Setpriv())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = folder.Path,
            };
            foreach (var argument in user is null ? squid : user.Wrap(binary, squid))
            {
                start.ArgumentList.Add(argument);
            }

            // Nothing of our environment (tokens, keys) is Squid's business.
            start.Environment.Clear();
            start.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
            start.Environment["LANG"] = "C.UTF-8";
            var process = Process.Start(start) ?? throw new SandboxException(Codes.ProxyStartFailed, "Squid could not be started.");
            var squidProcess = new SquidProcess(process, folder, serviceName, settings);
            process.OutputDataReceived += (_, e) => squidProcess.Keep(e.Data);
            process.ErrorDataReceived += (_, e) => squidProcess.Keep(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            folder.RecordOwner(process.Id);
            return squidProcess;
        }
        catch
        {
            folder.Remove(serviceName);
            throw;
        }
    }

    /// <summary>Waits until Squid accepts connections; its exit, or 15 s of silence, is an error with its own words.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new SandboxException(Codes.ProxyStartFailed, $"Squid exited with {_process.ExitCode}: {Explain()}");
            }

            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Settings.Port), cancellationToken);
                return;
            }
            catch (SocketException) when (clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(20, cancellationToken);
            }
            catch (SocketException e)
            {
                throw new SandboxException(Codes.ProxyStartFailed, $"Squid did not accept connections on 127.0.0.1:{Settings.Port} within 15 s ({e.SocketErrorCode}): {Explain()}");
            }
        }
    }

    /// <summary>The access log's lines so far (Squid writes each line as the transaction ends); after stopping, all of them.</summary>
    public IReadOnlyList<string> AccessLogLines() => _finalAccessLog ?? (File.Exists(Settings.AccessLog) ? File.ReadAllLines(Settings.AccessLog) : []);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM with shutdown_lifetime 0: Squid closes at once and removes its shared memory itself.
                NativeHost.TryTerminate(_process.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing to stop.
        }
        finally
        {
            _process.Dispose();
            _finalAccessLog = AccessLogLines();
            Folder.Remove(ServiceName);
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private string Explain()
    {
        var lines = new List<string>();
        lock (_output)
        {
            lines.AddRange(_output);
        }

        if (File.Exists(Settings.CacheLog))
        {
            lines.AddRange(File.ReadLines(Settings.CacheLog).Where(l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("FATAL", StringComparison.Ordinal)
                || l.Contains("WARNING", StringComparison.Ordinal) || l.Contains("Bungled", StringComparison.Ordinal)));
        }

        return lines.Count == 0 ? "no output" : string.Join(" | ", lines.TakeLast(8).Select(l => SafeText.Escape(l, 200)));
    }

    private static string Setpriv() =>
        new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists)
        ?? throw new SandboxException(Codes.ProxyStartFailed, "setpriv (util-linux) is needed to start Squid as an unprivileged user.");

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
