using System.Net.Sockets;
using Docker.DotNet;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// A client for one container engine, at the API version both sides speak. Older engines are common
/// (Debian's Docker 20.10 speaks API 1.41), so the version is negotiated, never assumed.
/// </summary>
public sealed class EngineConnection : IDisposable
{
    /// <summary>The oldest API whose create and inspect fields the sandbox relies on (Docker 20.10).</summary>
    public static readonly Version MinimumApi = new(1, 41);

    /// <summary>The newest API this client's models were written against.</summary>
    public static readonly Version MaximumApi = new(1, 47);

    private EngineConnection(DockerClient client, Uri endpoint, Version apiVersion, string serverVersion)
    {
        Client = client;
        Endpoint = endpoint;
        ApiVersion = apiVersion;
        ServerVersion = serverVersion;
    }

    public DockerClient Client { get; }

    public Uri Endpoint { get; }

    public Version ApiVersion { get; }

    public string ServerVersion { get; }

    /// <summary>
    /// Tries DOCKER_HOST, else the usual sockets, and negotiates the API version with the first that answers.
    /// When none answers, the error names every endpoint tried and why it failed.
    /// </summary>
    public static async Task<EngineConnection> ConnectAsync(ISandboxLog log, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var endpoint in EngineEndpoints.Candidates())
        {
            if (EngineEndpoints.WhyUnusable(endpoint) is { } reason)
            {
                failures.Add($"{endpoint}: {reason}");
                continue;
            }

            try
            {
                var connection = await NegotiateAsync(endpoint, cancellationToken);
                log.Detail($"[input] engine={endpoint} server={connection.ServerVersion} api={connection.ApiVersion}");
                return connection;
            }
            catch (SandboxException)
            {
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{endpoint}: {Describe(e)}");
            }
        }

        throw new SandboxException(Codes.EngineUnreachable,
            $"No container engine answered. Tried {string.Join("; ", failures)}.");
    }

    public void Dispose() => Client.Dispose();

    /// <summary>`docker info`, as the facts a baseline pins (runtime, rootless, seccomp profile, cgroup version).</summary>
    public async Task<EngineFacts> GetFactsAsync(CancellationToken cancellationToken) =>
        EngineFacts.From(await EngineException.Wrap(() => Client.System.GetSystemInfoAsync(cancellationToken), "docker info"), ApiVersion.ToString());

    private static async Task<EngineConnection> NegotiateAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));

        // /version is answered whatever version the client asks for; it says which ones the server speaks.
        using var probe = new DockerClientBuilder().WithEndpoint(endpoint).Build();
        var version = await probe.System.GetVersionAsync(timeout.Token);
        var server = Version.Parse(version.APIVersion);
        var forced = Environment.GetEnvironmentVariable("DOCKER_API_VERSION");
        var chosen = !string.IsNullOrEmpty(forced) && Version.TryParse(forced, out var f) ? f : server < MaximumApi ? server : MaximumApi;
        if (chosen < MinimumApi)
        {
            throw new SandboxException(Codes.EngineTooOld,
                $"The engine at {endpoint} speaks API {version.APIVersion} (Docker {version.Version}); SandboxBuild needs {MinimumApi} or newer.");
        }

        var client = new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(chosen).Build();
        return new EngineConnection(client, endpoint, chosen, version.Version);
    }

    private static string Describe(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused (is the engine running?)",
                    SocketError.AccessDenied => "permission denied (add your user to the docker group, or run as root)",
                    SocketError.AddressNotAvailable => "no engine listening on the socket",
                    _ => $"{socket.SocketErrorCode}: {socket.Message}",
                };
            }

            if (inner is UnauthorizedAccessException)
            {
                return "permission denied (add your user to the docker group, or run as root)";
            }

            if (inner is TimeoutException or OperationCanceledException)
            {
                return "no answer within 10 s";
            }
        }

        return e.Message;
    }
}
