using SandboxBuild.Engine;
using SandboxBuild.Diagnostics;
using SandboxBuild.Restore;

namespace SandboxBuild.Tests;

public class EgressProxyConfigTests
{
    private static readonly SquidSettings Settings = new()
    {
        Port = 41234,
        Folder = "/tmp/sbx-proxy",
        Allowed = EgressEndpoint.From([TrustedFeeds.Parse("https://api.nuget.org/v3/index.json", 0, "/"), TrustedFeeds.Parse("http://feed.test:8080/index.json", 1, "/")]),
    };

    private static string[] Lines(SquidSettings settings) => SquidConfig.Render(settings).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void The_proxy_listens_on_loopback_only_caches_nothing_and_identifies_no_client()
    {
        var lines = Lines(Settings);

        Assert.StartsWith("http_port 127.0.0.1:41234 ssl-bump generate-host-certificates=off tls-cert=/tmp/sbx-proxy/unused.crt tls-key=/tmp/sbx-proxy/unused.key", lines.Single(l => l.StartsWith("http_port", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("cache deny all", lines);
        Assert.Contains("cache_mem 0 MB", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("cache_dir", StringComparison.Ordinal));
        Assert.Contains("forwarded_for delete", lines);
        Assert.Contains("via off", lines);
        Assert.Contains("pinger_enable off", lines);
        Assert.Contains("pid_filename /tmp/sbx-proxy/squid.pid", lines);
        Assert.Contains("access_log stdio:/tmp/sbx-proxy/access.log sbx", lines);
    }

    [Fact]
    public void A_tunnel_is_allowed_only_to_an_allowed_tls_host_and_port_and_spliced_only_when_the_server_name_matches()
    {
        var lines = Lines(Settings);

        Assert.Contains("acl tls_host_0 dstdomain -n api.nuget.org", lines);
        Assert.Contains("acl tls_port_0 port 443", lines);
        Assert.Contains("acl tls_sni_0 ssl::server_name --client-requested api.nuget.org", lines);
        Assert.Contains("acl tls_ok_0 all-of tls_host_0 tls_port_0 tls_sni_0", lines);
        Assert.Contains("deny_info TCP_RESET tunnel", lines);
        // Order matters: the allow, then every other tunnel denied, before any plain HTTP rule.
        var access = lines.Where(l => l.StartsWith("http_access", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["http_access allow tunnel tls_host_0 tls_port_0", "http_access deny tunnel", "http_access allow get_head http_host_0 http_port_0", "http_access deny all"], access);
        var bump = lines.Where(l => l.StartsWith("ssl_bump", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["ssl_bump peek step1", "ssl_bump splice step2 tls_ok_0", "ssl_bump terminate all"], bump);
        Assert.DoesNotContain(lines, l => l.Contains("ssl_bump bump", StringComparison.Ordinal) || l.Contains("stare", StringComparison.Ordinal));
    }

    [Fact]
    public void Plain_http_is_get_and_head_to_an_allowed_host_and_port()
    {
        var lines = Lines(Settings);

        Assert.Contains("acl get_head method GET HEAD", lines);
        Assert.Contains("acl http_host_0 dstdomain -n feed.test", lines);
        Assert.Contains("acl http_port_0 port 8080", lines);
    }

    [Fact]
    public void No_feeds_means_every_request_is_refused()
    {
        var lines = Lines(Settings with { Allowed = [] });

        Assert.Equal(["http_access deny tunnel", "http_access deny all"], lines.Where(l => l.StartsWith("http_access", StringComparison.Ordinal)).ToArray());
        Assert.Equal(["ssl_bump peek step1", "ssl_bump terminate all"], lines.Where(l => l.StartsWith("ssl_bump", StringComparison.Ordinal)).ToArray());
    }

    [Fact]
    public void Test_hosts_and_resolvers_are_only_set_when_given()
    {
        Assert.DoesNotContain(Lines(Settings), l => l.StartsWith("hosts_file", StringComparison.Ordinal) || l.StartsWith("dns_nameservers", StringComparison.Ordinal));

        var lines = Lines(Settings with { HostsFile = "/tmp/sbx-proxy/hosts", DnsServers = ["127.0.0.1"] });

        Assert.Contains("hosts_file /tmp/sbx-proxy/hosts", lines);
        Assert.Contains("dns_nameservers 127.0.0.1", lines);
    }

    [Theory]
    [InlineData("https://10.0.0.5/v3/index.json")]
    [InlineData("http://[::1]:8080/index.json")]
    [InlineData("https://2130706433/index.json")]
    [InlineData("https://user:secret@feed.example/index.json")]
    [InlineData("ftp://feed.example/index.json")]
    [InlineData("/no/such/folder/for/sure")]
    public void Feeds_that_the_proxy_cannot_match_by_name_are_refused(string feed)
    {
        var e = Assert.Throws<SandboxException>(() => TrustedFeeds.Parse(feed, 0, "/"));

        Assert.Equal("SBX1304", e.Code.Id);
    }

    [Fact]
    public void Feeds_come_from_options_else_the_environment_else_nuget_org()
    {
        using var folder = new TempFolder();
        var environment = new Dictionary<string, string?> { [TrustedFeeds.FeedsVariable] = $"https://pkgs.example/v3/index.json; {folder.Path}" };

        var fromOptions = TrustedFeeds.Resolve(["http://feed.test:8080/index.json"], environment.GetValueOrDefault, "/");
        var fromEnvironment = TrustedFeeds.Resolve([], environment.GetValueOrDefault, "/");
        var byDefault = TrustedFeeds.Resolve([], _ => null, "/");

        Assert.Equal([(FeedKind.Http, "feed.test", 8080)], fromOptions.Select(f => (f.Kind, f.Host, f.Port)));
        Assert.Equal([FeedKind.Https, FeedKind.Folder], fromEnvironment.Select(f => f.Kind));
        Assert.Equal(folder.Path, fromEnvironment[1].Location);
        Assert.Equal([("api.nuget.org", 443)], byDefault.Select(f => (f.Host, f.Port)));
    }

    [Fact]
    public void A_feed_credential_is_read_from_the_named_variable_only()
    {
        var environment = new Dictionary<string, string?> { ["FEED_TOKEN"] = "me:s3cret-value", ["BARE_TOKEN"] = "tok3n" };

        var withUser = TrustedFeeds.ParseCredential("pkgs.example=FEED_TOKEN", environment.GetValueOrDefault);
        var bare = TrustedFeeds.ParseCredential("Other.Example=BARE_TOKEN", environment.GetValueOrDefault);

        Assert.Equal(new FeedCredential("pkgs.example", "me", "s3cret-value"), withUser);
        Assert.Equal(new FeedCredential("other.example", "sandboxbuild", "tok3n"), bare);
        Assert.DoesNotContain("s3cret", withUser.ToString(), StringComparison.Ordinal);
        Assert.Equal("SBX1304", Assert.Throws<SandboxException>(() => TrustedFeeds.ParseCredential("pkgs.example=UNSET_VARIABLE", environment.GetValueOrDefault)).Code.Id);
        Assert.Equal("SBX1304", Assert.Throws<SandboxException>(() => TrustedFeeds.ParseCredential("pkgs.example", environment.GetValueOrDefault)).Code.Id);
    }
}
