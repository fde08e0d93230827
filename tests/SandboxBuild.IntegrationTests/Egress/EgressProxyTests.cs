using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using SandboxBuild.Restore;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>
/// The proxy's rules, exercised through the very socket the restore sandbox gets (a real Squid from
/// squid-openssl, the in-process relay), against fixtures on loopback. Each test asserts the proxy's own
/// audit line, and, where it refuses, that the stand-in for the refused host received nothing.
/// </summary>
public sealed class EgressProxyTests(EgressFixture world) : IClassFixture<EgressFixture>, IAsyncLifetime
{
    private readonly TempFolder _socketFolder = new("sandboxbuild-proxy-socket-");
    private EgressProxy _proxy = null!;

    public async Task InitializeAsync()
    {
        _proxy = EgressProxy.Start(new EgressProxyOptions
        {
            Allowed =
            [
                new EgressEndpoint(true, EgressFixture.TlsName, world.Feed.HttpsPort),
                new EgressEndpoint(true, EgressFixture.OtherTlsName, world.Feed.HttpsPort),
                new EgressEndpoint(false, EgressFixture.HttpName, world.Feed.HttpPort),
            ],
            SocketFolder = _socketFolder.Path,
            HostsFile = world.HostsFile,
            DnsServers = ["127.0.0.1"],
        });
        await _proxy.WaitUntilReadyAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _socketFolder.Dispose();
    }

    [Fact]
    public async Task An_allowed_tls_feed_is_spliced_end_to_end_with_the_feeds_own_certificate()
    {
        var body = await TlsGetAsync(EgressFixture.TlsName, world.Feed.HttpsPort, EgressFixture.TlsName, "/v3/index.json");

        Assert.Contains("PackageBaseAddress/3.0.0", body, StringComparison.Ordinal);
        var line = Assert.Single(_proxy.Events(), e => e.Status == "TCP_TUNNEL");
        Assert.True(line is { Method: "CONNECT", Host: EgressFixture.TlsName, Bump: "splice", Sni: EgressFixture.TlsName, ReachedUpstream: true }, line.ToString());
        Assert.Empty(_proxy.Findings());
    }

    [Fact]
    public async Task An_allowed_http_feed_answers_get()
    {
        var response = await SendAsync($"GET http://{EgressFixture.HttpName}:{world.Feed.HttpPort}/v3/index.json HTTP/1.1\r\nHost: {EgressFixture.HttpName}:{world.Feed.HttpPort}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains(_proxy.Events(), e => e is { Method: "GET", Host: EgressFixture.HttpName, Status: "TCP_MISS", ReachedUpstream: true });
    }

    [Fact]
    public async Task Connect_to_another_host_is_reset_and_the_host_receives_nothing()
    {
        var before = world.Refused.TcpConnections;

        var response = await SendAsync($"CONNECT {EgressFixture.Evil}:{world.Refused.TcpPort} HTTP/1.1\r\nHost: {EgressFixture.Evil}:{world.Refused.TcpPort}\r\n\r\n");

        Assert.DoesNotContain("200", response, StringComparison.Ordinal);
        Assert.Equal(before, world.Refused.TcpConnections);
        AssertRefused($"{EgressFixture.Evil}:{world.Refused.TcpPort}", "CONNECT");
    }

    [Fact]
    public async Task Plain_http_to_another_host_is_refused_and_the_host_receives_nothing()
    {
        var before = world.Refused.TcpConnections;

        var response = await SendAsync($"GET http://{EgressFixture.Evil}:{world.Refused.TcpPort}/leak?k=v HTTP/1.1\r\nHost: {EgressFixture.Evil}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403", response, StringComparison.Ordinal);
        Assert.Equal(before, world.Refused.TcpConnections);
        AssertRefused($"{EgressFixture.Evil}:{world.Refused.TcpPort}", "GET");
    }

    [Theory]
    [InlineData(EgressFixture.Evil)]
    [InlineData(EgressFixture.OtherTlsName)]
    public async Task Tls_to_the_allowed_name_with_another_server_name_is_cut_before_any_upstream_connection(string serverName)
    {
        var served = world.Feed.Requests.Count;

        var failure = await Record.ExceptionAsync(() => TlsGetAsync(EgressFixture.TlsName, world.Feed.HttpsPort, serverName, "/v3/index.json"));

        Assert.NotNull(failure);
        Assert.Equal(served, world.Feed.Requests.Count);
        var line = Assert.Single(_proxy.Events(), e => e.NameMismatch);
        Assert.True(line is { Host: EgressFixture.TlsName, ReachedUpstream: false } && line.Sni == serverName, line.ToString());
        Assert.DoesNotContain(_proxy.Events(), e => e.ReachedUpstream);
        Assert.Equal("SBX3202", Assert.Single(_proxy.Findings()).Code.Id);
    }

    [Fact]
    public async Task Tls_to_an_allowed_host_on_another_port_is_refused()
    {
        var response = await SendAsync($"CONNECT {EgressFixture.TlsName}:22 HTTP/1.1\r\nHost: {EgressFixture.TlsName}:22\r\n\r\n");

        Assert.DoesNotContain("200", response, StringComparison.Ordinal);
        AssertRefused($"{EgressFixture.TlsName}:22", "CONNECT");
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    public async Task Writing_methods_to_an_allowed_http_host_are_refused(string method)
    {
        var response = await SendAsync($"{method} http://{EgressFixture.HttpName}:{world.Feed.HttpPort}/v3/index.json HTTP/1.1\r\nHost: {EgressFixture.HttpName}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");

        Assert.StartsWith("HTTP/1.1 403", response, StringComparison.Ordinal);
        AssertRefused($"{EgressFixture.HttpName}:{world.Feed.HttpPort}", method);
    }

    [Theory]
    [InlineData("GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n", "169.254.169.254:80")]
    [InlineData("GET http://169.254.169.254/metadata/instance?api-version=2021-02-01 HTTP/1.1\r\nHost: 169.254.169.254\r\nMetadata: true\r\n", "169.254.169.254:80")]
    [InlineData("GET http://metadata.google.internal/computeMetadata/v1/ HTTP/1.1\r\nHost: metadata.google.internal\r\nMetadata-Flavor: Google\r\n", "metadata.google.internal:80")]
    [InlineData("GET http://127.0.0.1:{http}/v3/index.json HTTP/1.1\r\nHost: 127.0.0.1\r\n", "127.0.0.1:{http}")]
    [InlineData("GET http://[::1]:{http}/v3/index.json HTTP/1.1\r\nHost: [::1]\r\n", "[::1]:{http}")]
    // Squid reads the decimal form as the address it is, and logs it so.
    [InlineData("GET http://2130706433:{http}/v3/index.json HTTP/1.1\r\nHost: 2130706433\r\n", "127.0.0.1:{http}")]
    [InlineData("CONNECT 127.0.0.1:{https} HTTP/1.1\r\nHost: 127.0.0.1\r\n", "127.0.0.1:{https}")]
    [InlineData("CONNECT cloudflare-dns.com:443 HTTP/1.1\r\nHost: cloudflare-dns.com\r\n", "cloudflare-dns.com:443")]
    [InlineData("CONNECT dns.google:443 HTTP/1.1\r\nHost: dns.google\r\n", "dns.google:443")]
    public async Task Ip_literals_metadata_and_dns_over_https_names_are_refused(string request, string endpoint)
    {
        string Ports(string text) => text.Replace("{http}", world.Feed.HttpPort.ToString(), StringComparison.Ordinal).Replace("{https}", world.Feed.HttpsPort.ToString(), StringComparison.Ordinal);
        var served = world.Feed.Requests.Count;

        var response = await SendAsync(Ports(request) + "Connection: close\r\n\r\n");

        Assert.DoesNotContain(" 200 ", response, StringComparison.Ordinal);
        Assert.Equal(served, world.Feed.Requests.Count);
        Assert.DoesNotContain(_proxy.Events(), e => e.ReachedUpstream);
        Assert.Contains(_proxy.Findings(), f => f.Code.Id == "SBX3201" && f.Subject == $"restore tried to reach {Ports(endpoint)}");
    }

    [Fact]
    public async Task Plain_text_inside_an_allowed_tunnel_never_reaches_the_feed()
    {
        var served = world.Feed.Requests.Count;

        var response = await SendAsync($"CONNECT {EgressFixture.TlsName}:{world.Feed.HttpsPort} HTTP/1.1\r\nHost: {EgressFixture.TlsName}\r\n\r\nGET /v3/index.json HTTP/1.1\r\nHost: {EgressFixture.TlsName}\r\n\r\n");

        Assert.DoesNotContain("PackageBaseAddress", response, StringComparison.Ordinal);
        Assert.Equal(served, world.Feed.Requests.Count);
        Assert.DoesNotContain(_proxy.Events(), e => e.Status == "TCP_TUNNEL");
    }

    [Fact]
    public async Task Retries_of_one_refused_host_are_one_finding()
    {
        for (var i = 0; i < 12; i++)
        {
            await SendAsync($"CONNECT {EgressFixture.Evil}:443 HTTP/1.1\r\nHost: {EgressFixture.Evil}\r\n\r\n");
        }

        var finding = Assert.Single(_proxy.Findings());
        Assert.Equal(("SBX3201", "restore tried to reach evil.test:443", "refused (CONNECT, 12 times)"), (finding.Code.Id, finding.Subject, finding.Seen));
    }

    [Fact]
    public async Task A_socket_folder_deeper_than_a_socket_address_allows_still_works()
    {
        var deep = Path.Combine(_socketFolder.Path, new string('d', 60), new string('e', 60));
        Directory.CreateDirectory(deep);
        Assert.True(Path.Combine(deep, ProxyRelay.SocketName).Length > 108);
        await using var proxy = EgressProxy.Start(new EgressProxyOptions
        {
            Allowed = [new EgressEndpoint(false, EgressFixture.HttpName, world.Feed.HttpPort)],
            SocketFolder = deep,
            HostsFile = world.HostsFile,
            DnsServers = ["127.0.0.1"],
        });
        await proxy.WaitUntilReadyAsync(CancellationToken.None);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

        // Connected the way a sandbox would by the folder it was given, here through a short alias of the deep path.
        SandboxBuild.Host.NativeHost.WithShortPath(deep, alias =>
        {
            socket.Connect(new UnixDomainSocketEndPoint($"{alias}/{ProxyRelay.SocketName}"));
            return 0;
        });
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET http://{EgressFixture.HttpName}:{world.Feed.HttpPort}/v3/index.json HTTP/1.1\r\nHost: {EgressFixture.HttpName}\r\nConnection: close\r\n\r\n"));

        Assert.StartsWith("HTTP/1.1 200", await new StreamReader(stream).ReadToEndAsync(), StringComparison.Ordinal);
        Assert.Equal(Path.Combine(deep, ProxyRelay.SocketName), proxy.SocketPath);
    }

    [Fact]
    public void No_squid_is_a_coded_error_before_anything_starts()
    {
        using var folder = new TempFolder("sandboxbuild-proxy-socket-");

        var e = Assert.Throws<SandboxBuild.Diagnostics.SandboxException>(() => EgressProxy.Start(new EgressProxyOptions
        {
            Allowed = [],
            SocketFolder = folder.Path,
            SquidBinary = "/nonexistent/squid",
        }));

        Assert.Equal("SBX1301", e.Code.Id);
        Assert.Empty(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public async Task A_proxy_that_exits_at_once_is_a_coded_error_and_leaves_nothing_behind()
    {
        using var folder = new TempFolder("sandboxbuild-proxy-socket-");
        var proxy = EgressProxy.Start(new EgressProxyOptions { Allowed = [], SocketFolder = folder.Path, SquidBinary = "/bin/false" });

        var e = await Assert.ThrowsAsync<SandboxBuild.Diagnostics.SandboxException>(() => proxy.WaitUntilReadyAsync(CancellationToken.None));
        await proxy.DisposeAsync();

        Assert.Equal("SBX1302", e.Code.Id);
        Assert.Contains("exited with 1", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(proxy.PrivateFolder));
        Assert.False(File.Exists(proxy.SocketPath));
    }

    [Fact]
    public void The_socket_is_the_only_way_in_and_the_proxy_runs_unprivileged()
    {
        var mode = File.GetUnixFileMode(_proxy.SocketPath);
        var status = File.ReadAllLines($"/proc/{_proxy.ProcessId}/status");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.DoesNotContain(status, l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries).Skip(1).Contains("0"));
        Assert.Contains(status, l => l == "CapEff:\t0000000000000000");
        Assert.Contains(status, l => l == "CapBnd:\t0000000000000000");
        Assert.Contains(status, l => l == "NoNewPrivs:\t1");
        Assert.StartsWith("/usr/sbin/squid\0", File.ReadAllText($"/proc/{_proxy.ProcessId}/cmdline"), StringComparison.Ordinal);
        Assert.Equal(["LANG=C.UTF-8", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"], File.ReadAllText($"/proc/{_proxy.ProcessId}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    private void AssertRefused(string endpoint, string method)
    {
        var line = Assert.Single(_proxy.Events(), e => e.Endpoint == endpoint && e.Method == method);
        Assert.True(line is { Refused: true, ReachedUpstream: false }, line.ToString());
        Assert.Contains(_proxy.Findings(), f => f.Code.Id == "SBX3201" && f.Subject == $"restore tried to reach {endpoint}");
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_proxy.SocketPath));
        return socket;
    }

    /// <summary>Sends raw bytes through the socket and reads until the proxy closes or stays silent for 2 s.</summary>
    private async Task<string> SendAsync(string request)
    {
        using var socket = await ConnectAsync();
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                using var quiet = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                var read = await stream.ReadAsync(buffer, quiet.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
        }

        await SettleAsync();
        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>CONNECT host:port, then TLS with the given server name (trusting the test CA), then GET path.</summary>
    private async Task<string> TlsGetAsync(string host, int port, string serverName, string path)
    {
        try
        {
            using var socket = await ConnectAsync();
            using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n"));
            var head = await ReadHeadAsync(stream);
            Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
            using var tls = new SslStream(stream, leaveInnerStreamOpen: true, (_, certificate, chain, errors) =>
            {
                // Trust exactly the test CA, and check the name we asked for, as NuGet would with the CA installed.
                chain!.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(world.Authority);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate!)) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName }, timeout.Token);
            await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {serverName}\r\nConnection: close\r\n\r\n"), timeout.Token);
            using var reader = new StreamReader(tls);
            return await reader.ReadToEndAsync(timeout.Token);
        }
        finally
        {
            await SettleAsync();
        }
    }

    private static async Task<string> ReadHeadAsync(Stream stream)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            head.Append((char)one[0]);
        }

        return head.ToString();
    }

    /// <summary>Squid writes a transaction's line when it ends; give it a moment after the connection closed.</summary>
    private static Task SettleAsync() => Task.Delay(300);
}
