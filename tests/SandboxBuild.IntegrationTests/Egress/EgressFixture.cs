using System.Net;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>
/// The egress tests' world, all on this machine's loopback: a static feed (HTTP as feed.test, TLS as
/// api.feed.test and other.feed.test, signed by a test CA), a listener standing in for every refused host,
/// and a hosts file that maps all those names to 127.0.0.1 for the proxy alone.
/// </summary>
public sealed class EgressFixture : IAsyncLifetime
{
    public const string HttpName = "feed.test";
    public const string TlsName = "api.feed.test";
    public const string OtherTlsName = "other.feed.test";
    public const string Evil = "evil.test";

    private TestCertificates? _certificates;
    private TempFolder? _folder;

    internal StaticFeed Feed { get; private set; } = null!;

    internal CountingListeners Refused { get; private set; } = null!;

    public string HostsFile { get; private set; } = "";

    public string CaFile => _certificates!.AuthorityFile;

    public System.Security.Cryptography.X509Certificates.X509Certificate2 Authority => _certificates!.Authority;

    public string HttpFeed => $"http://{HttpName}:{Feed.HttpPort}/v3/index.json";

    public string TlsFeed => $"https://{TlsName}:{Feed.HttpsPort}/v3/index.json";

    /// <summary>The CLI's environment for a restore from this world's TLS feed, with a state folder of its own.</summary>
    public Dictionary<string, string?> CliEnvironment(string stateFolder) => new()
    {
        ["SANDBOXBUILD_STATE_DIR"] = stateFolder,
        ["SANDBOXBUILD_FEEDS"] = TlsFeed,
        ["SANDBOXBUILD_RESTORE_CA"] = CaFile,
        ["SANDBOXBUILD_PROXY_HOSTS_FILE"] = HostsFile,
        ["SANDBOXBUILD_PROXY_DNS"] = "127.0.0.1",
    };

    public Task InitializeAsync()
    {
        _certificates = new TestCertificates([TlsName, OtherTlsName, HttpName, Evil]);
        Feed = StaticFeed.Start(_certificates.Server, new Dictionary<string, string> { ["newtonsoft.json/13.0.3"] = StaticFeed.NewtonsoftJson });
        Refused = new CountingListeners(IPAddress.Loopback);
        _folder = new TempFolder("sandboxbuild-egress-");
        HostsFile = _folder.Write("hosts", $"127.0.0.1 {HttpName} {TlsName} {OtherTlsName} {Evil} metadata.google.internal cloudflare-dns.com dns.google\n");
        File.SetUnixFileMode(HostsFile, (UnixFileMode)0b110_100_100);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Feed.DisposeAsync();
        Refused.Dispose();
        _certificates?.Dispose();
        _folder?.Dispose();
    }
}
