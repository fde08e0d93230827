using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>
/// A static NuGet v3 feed (service index, flat container) from real package files, over plain HTTP and over
/// TLS (the test CA's certificate), on loopback (or the bridge's host side). Just enough HTTP/1.1 for NuGet: one GET per connection,
/// answered with a length and closed. Every request is recorded, so a test can show the feed was used, or
/// that nothing reached it. (Kestrel's framework reference would change the assemblies next to the CLI the
/// tests run; HttpListener matches its prefix against the Host header and has no TLS on Linux.)
/// </summary>
internal sealed class StaticFeed : IAsyncDisposable
{
    private readonly TcpListener _http;
    private readonly TcpListener _tls;
    private readonly X509Certificate2 _certificate;
    private readonly IReadOnlyDictionary<string, string> _packages;
    private readonly CancellationTokenSource _stop = new();

    private StaticFeed(IPAddress address, X509Certificate2 certificate, IReadOnlyDictionary<string, string> packages)
    {
        _http = new TcpListener(address, 0);
        _tls = new TcpListener(address, 0);
        _certificate = certificate;
        _packages = packages;
        _http.Start();
        _tls.Start();
        _ = AcceptAsync(_http, tls: false);
        _ = AcceptAsync(_tls, tls: true);
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>When set, a private feed: requests without this `Authorization` header get 401 with a Basic challenge.</summary>
    public string? RequiredAuthorization { get; init; }

    public int HttpPort => ((IPEndPoint)_http.LocalEndpoint).Port;

    public int HttpsPort => ((IPEndPoint)_tls.LocalEndpoint).Port;

    public static string NewtonsoftJson { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "newtonsoft.json", "13.0.3", "newtonsoft.json.13.0.3.nupkg");

    /// <param name="packages">Package files by `id/version` (lower case).</param>
    /// <param name="address">Loopback, or the engine bridge's host side for a proxy that runs in a container (the action).</param>
    public static StaticFeed Start(X509Certificate2 certificate, IReadOnlyDictionary<string, string> packages, IPAddress? address = null, string? requiredAuthorization = null) =>
        new(address ?? IPAddress.Loopback, certificate, packages) { RequiredAuthorization = requiredAuthorization };

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _http.Stop();
        _tls.Stop();
        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync(TcpListener listener, bool tls)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client, tls));
        }
    }

    private async Task ServeAsync(TcpClient client, bool tls)
    {
        using (client)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                Stream stream = client.GetStream();
                if (tls)
                {
                    var secure = new SslStream(stream);
                    await secure.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, timeout.Token);
                    stream = secure;
                }

                await using (stream)
                {
                    var head = await ReadHeadAsync(stream, timeout.Token);
                    var (status, type, body) = Authorized(head) ? Answer(head, tls ? "https" : "http") : ("401 Unauthorized", "text/plain", "credentials required"u8.ToArray());
                    var challenge = status.StartsWith("401", StringComparison.Ordinal) ? "WWW-Authenticate: Basic realm=\"feed\"\r\n" : "";
                    var header = $"HTTP/1.1 {status}\r\n{challenge}Content-Type: {type}\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(header), timeout.Token);
                    await stream.WriteAsync(body, timeout.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
            {
                // A client that went away (or a handshake the proxy cut): nothing to answer.
            }
        }
    }

    private bool Authorized(string head)
    {
        if (RequiredAuthorization is null)
        {
            return true;
        }

        var authorized = head.Split("\r\n").Any(l => l.Equals($"Authorization: {RequiredAuthorization}", StringComparison.OrdinalIgnoreCase));
        Requests.Enqueue(authorized ? "authorized" : "challenged");
        return authorized;
    }

    private (string Status, string Type, byte[] Body) Answer(string head, string scheme)
    {
        var lines = head.Split("\r\n");
        var request = lines[0].Split(' ');
        var host = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Equals("Host", StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).FirstOrDefault() ?? "";
        var path = request.Length > 1 ? request[1].Split('?')[0] : "/";
        Requests.Enqueue($"{request[0]} {scheme}://{host}{path}");
        var root = $"{scheme}://{host}";
        switch (path.Trim('/').Split('/'))
        {
            case ["v3", "index.json"] or ["index.json"]:
                return Json(new Dictionary<string, object>
                {
                    ["version"] = "3.0.0",
                    ["resources"] = new[] { new Dictionary<string, string> { ["@id"] = $"{root}/v3-flatcontainer/", ["@type"] = "PackageBaseAddress/3.0.0" } },
                });
            case ["v3-flatcontainer", var id, "index.json"] when _packages.Keys.Any(k => k.StartsWith(id + "/", StringComparison.Ordinal)):
                return Json(new Dictionary<string, string[]> { ["versions"] = _packages.Keys.Where(k => k.StartsWith(id + "/", StringComparison.Ordinal)).Select(k => k.Split('/')[1]).ToArray() });
            case ["v3-flatcontainer", var id, var version, var file] when file.EndsWith(".nupkg", StringComparison.Ordinal) && _packages.TryGetValue($"{id}/{version}", out var package):
                return ("200 OK", "application/octet-stream", File.ReadAllBytes(package));
            default:
                return ("404 Not Found", "text/plain", "not found"u8.ToArray());
        }
    }

    private static (string, string, byte[]) Json(object value) => ("200 OK", "application/json", JsonSerializer.SerializeToUtf8Bytes(value));

    private static async Task<string> ReadHeadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var head = new StringBuilder();
        var buffer = new byte[1];
        while (head.Length < 16384 && !head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await stream.ReadAsync(buffer, cancellationToken) == 0)
            {
                break;
            }

            head.Append((char)buffer[0]);
        }

        return head.ToString();
    }
}
