using SandboxBuild.Engine;
using SandboxBuild.Restore;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

public class EgressLogTests
{
    // Lines as Squid 5.7 wrote them here for the note's experiments (SquidConfig.LogFormat).
    private static readonly string[] Log =
    [
        "1795555120.630 - error:transaction-end-before-headers NONE_NONE/HIER_NONE bump=- sni=- dst=-:-",
        "1795555131.394 CONNECT api.feed.test:18443 NONE_NONE/HIER_NONE bump=splice sni=api.feed.test dst=-:-",
        "1795555131.410 CONNECT api.feed.test:18443 TCP_TUNNEL/HIER_DIRECT bump=splice sni=api.feed.test dst=127.0.0.1:18443",
        "1795555127.679 GET http://feed.test:18080/index.json TCP_MISS/HIER_DIRECT bump=- sni=- dst=127.0.0.1:18080",
        "1795555127.796 CONNECT evil.test:443 TCP_DENIED/HIER_NONE bump=bump sni=- dst=-:-",
        "1795555127.797 CONNECT evil.test:443 TCP_DENIED/HIER_NONE bump=bump sni=- dst=-:-",
        "1795555127.969 CONNECT api.feed.test:18443 NONE_NONE/HIER_NONE bump=terminate sni=evil.test dst=-:-",
        "1795555128.163 GET http://evil.test:18080/index.json TCP_DENIED/HIER_NONE bump=- sni=- dst=-:-",
        "1795555128.381 GET http://169.254.169.254/latest/meta-data/ TCP_DENIED/HIER_NONE bump=- sni=- dst=-:-",
        "1795555128.437 POST http://feed.test:18080/index.json TCP_DENIED/HIER_NONE bump=- sni=- dst=-:-",
    ];

    [Fact]
    public void Each_line_is_read_into_its_decision()
    {
        var events = EgressLog.Parse(Log);

        Assert.Equal(9, events.Count); // the readiness check's empty connection is not a request
        Assert.True(events[1] is { Method: "CONNECT", Host: "api.feed.test", Port: 18443, Status: "TCP_TUNNEL", Bump: "splice", Sni: "api.feed.test", ReachedUpstream: true });
        Assert.True(events[4] is { Refused: true, ReachedUpstream: false, Port: 443 });
        Assert.True(events[5] is { NameMismatch: true, Sni: "evil.test", ReachedUpstream: false });
        Assert.True(events[7] is { Host: "169.254.169.254", Port: 80, Refused: true });
    }

    [Fact]
    public void Refusals_become_one_finding_per_host_however_often_they_were_tried()
    {
        var findings = EgressLog.Findings(EgressLog.Parse(Log));

        var refused = findings.Where(f => f.Code.Id == "SBX3201").ToArray();
        Assert.Equal(["restore tried to reach 169.254.169.254:80", "restore tried to reach evil.test:18080", "restore tried to reach evil.test:443", "restore tried to reach feed.test:18080"],
            refused.Select(f => f.Subject));
        Assert.Equal("refused (CONNECT, 2 times)", refused[2].Seen);
        Assert.Equal("refused (POST, once)", refused[3].Seen);
        Assert.All(findings, f => Assert.Equal(FactSource.Proxy, f.Source));
        var mismatch = Assert.Single(findings, f => f.Code.Id == "SBX3202");
        Assert.Contains("'evil.test'", mismatch.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_of_allowed_traffic_has_no_findings()
    {
        Assert.Empty(EgressLog.Findings(EgressLog.Parse(Log.Take(4))));
    }
}
