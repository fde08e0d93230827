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
                var connection = await NegotiateAsync(endpoint, Environment.GetEnvironmentVariable("DOCKER_API_VERSION"), cancellationToken);
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
    /// <summary>The environment an image gives every container made from it (`NAME=value`).</summary>
    public async Task<IReadOnlyList<string>> ImageEnvironmentAsync(string image, CancellationToken cancellationToken) =>
        (await EngineException.Wrap(() => Client.Images.InspectImageAsync(image, cancellationToken), $"docker image inspect {image}")).Config?.Env?.ToArray() ?? [];

    public async Task<EngineFacts> GetFactsAsync(CancellationToken cancellationToken) =>
        EngineFacts.From(await EngineException.Wrap(() => Client.System.GetSystemInfoAsync(cancellationToken), "docker info"), ApiVersion.ToString());

    /// <summary>Asks the engine at <paramref name="endpoint"/> which API versions it speaks and connects at the chosen one.</summary>
    /// <param name="forced">A version the caller insists on (DOCKER_API_VERSION), or null to choose.</param>
    internal static async Task<EngineConnection> NegotiateAsync(Uri endpoint, string? forced, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));

        // /version is answered whatever version the client asks for; it says which ones the server speaks.
        using var probe = new DockerClientBuilder().WithEndpoint(endpoint).Build();
        var version = await probe.System.GetVersionAsync(timeout.Token);
        var chosen = ChooseApi(endpoint, version.Version, version.APIVersion, version.MinAPIVersion, forced);
        var client = new DockerClientBuilder().WithEndpoint(endpoint).WithApiVersion(chosen).Build();
        return new EngineConnection(client, endpoint, chosen, version.Version);
    }

    /// <summary>
    /// The newest version both sides speak, or the forced one; fails with a code when there is none: an engine
    /// older than <see cref="MinimumApi"/>, or one whose minimum is above what this client speaks (Docker 29
    /// refuses clients below API 1.44), or a forced version outside the engine's range.
    /// </summary>
    internal static Version ChooseApi(Uri endpoint, string serverVersion, string serverMax, string? serverMin, string? forced)
    {
        var max = Version.Parse(serverMax);
        var min = Version.TryParse(serverMin, out var m) ? m : null;
        if (max < MinimumApi)
        {
            throw new SandboxException(Codes.EngineTooOld,
                $"The engine at {endpoint} speaks API {serverMax} (Docker {serverVersion}); SandboxBuild needs {MinimumApi} or newer.");
        }

        var chosen = !string.IsNullOrEmpty(forced) && Version.TryParse(forced, out var f) ? f : max < MaximumApi ? max : MaximumApi;
        if (chosen < MinimumApi || chosen > max || (min is not null && chosen < min))
        {
            var range = min is null ? $"up to {serverMax}" : $"{serverMin} to {serverMax}";
            throw new SandboxException(Codes.EngineApiOutOfRange, forced is { Length: > 0 }
                ? $"DOCKER_API_VERSION={forced} asks for API {chosen}, but the engine at {endpoint} (Docker {serverVersion}) accepts {range} and SandboxBuild speaks {MinimumApi} to {MaximumApi}."
                : $"The engine at {endpoint} (Docker {serverVersion}) accepts API {range}; SandboxBuild speaks {MinimumApi} to {MaximumApi}.");
        }

        return chosen;
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
