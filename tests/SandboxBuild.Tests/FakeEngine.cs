using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace SandboxBuild.Tests;

/// <summary>
/// A stand-in container engine on a unix socket that answers `GET /version` the way Docker does, and refuses a
/// versioned request outside its API range with Docker's 400 ("client version 1.41 is too old"). Enough to test
/// version negotiation against engines we do not have here (Docker 29 accepts API 1.44 and newer only).
/// </summary>
internal sealed partial class FakeEngine : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string _folder;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly string _dockerVersion;
    private readonly Version _minApi;
    private readonly Version _maxApi;

    public FakeEngine(string dockerVersion, string minApi, string maxApi)
    {
        _dockerVersion = dockerVersion;
        _minApi = Version.Parse(minApi);
        _maxApi = Version.Parse(maxApi);
        _folder = Directory.CreateTempSubdirectory("sbx-fake-engine-").FullName;
        SocketPath = Path.Combine(_folder, "docker.sock");
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen(16);
        _serving = ServeAsync();
    }

    public string SocketPath { get; }

    public Uri Endpoint => new($"unix://{SocketPath}");

    /// <summary>Every request line the engine received, e.g. "GET /v1.47/version".</summary>
    public List<string> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        Directory.Delete(_folder, recursive: true);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            using var connection = await _listener.AcceptAsync(_stop.Token);
            await AnswerAsync(connection);
        }
    }

    private async Task AnswerAsync(Socket connection)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await connection.ReceiveAsync(buffer, _stop.Token);
            if (read == 0)
            {
                return;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var requestLine = received.ToString().Split("\r\n")[0];
        var target = requestLine.Split(' ')[1];
        lock (Requests)
        {
            Requests.Add($"{requestLine.Split(' ')[0]} {target}");
        }

        var (status, body) = Respond(target);
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nApi-Version: {_maxApi}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
        await connection.SendAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
        await connection.SendAsync(bytes, _stop.Token);
        connection.Shutdown(SocketShutdown.Both);
    }

    private (string Status, string Body) Respond(string target)
    {
        if (VersionedPath().Match(target) is { Success: true } match)
        {
            var asked = Version.Parse(match.Groups["v"].Value);
            if (asked < _minApi)
            {
                return ("400 Bad Request", $$"""{"message":"client version {{asked}} is too old. Minimum supported API version is {{_minApi}}, please upgrade your client to a newer version"}""");
            }

            if (asked > _maxApi)
            {
                return ("400 Bad Request", $$"""{"message":"client version {{asked}} is too new. Maximum supported API version is {{_maxApi}}"}""");
            }
        }

        return target.EndsWith("/version", StringComparison.Ordinal)
            ? ("200 OK", $$"""{"Version":"{{_dockerVersion}}","ApiVersion":"{{_maxApi}}","MinAPIVersion":"{{_minApi}}","Os":"linux","Arch":"amd64"}""")
            : ("404 Not Found", """{"message":"page not found"}""");
    }

    [GeneratedRegex(@"^/v(?<v>\d+\.\d+)/")]
    private static partial Regex VersionedPath();
}
