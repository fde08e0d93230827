using SandboxBuild.Engine;
using System.Xml.Linq;
using SandboxBuild.Policy;
using SandboxBuild.Probing;
using SandboxBuild.Restore;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

public class RestoreSandboxRulesTests
{
    [Fact]
    public void The_restore_policy_is_never_weaker_than_the_hardened_default_whatever_the_run_policy_says()
    {
        var weak = SandboxPolicy.Default with
        {
            Network = "bridge", Privileged = true, CapAdd = ["SYS_ADMIN"], CapDrop = [], NoNewPrivileges = false, Seccomp = "unconfined", AppArmor = "unconfined",
            SystemPaths = "unconfined", ReadOnlyRootFilesystem = false, User = "0:0", Memory = 0, MemorySwap = -1, Cpus = 0, Pids = 0,
            Mounts = [new MountSpec("/var/run/docker.sock", "/var/run/docker.sock", false)], EnvAllow = ["GITHUB_TOKEN"],
            EnvSet = new SortedDictionary<string, string> { ["X"] = "1" }, Devices = ["/dev/kvm"], PidMode = "host", IpcMode = "host", UsernsMode = "host",
            SourceReadOnly = false, Tmpfs = new SortedDictionary<string, long> { ["/tmp"] = 0 },
        };

        var restore = RestorePolicy.From(weak);

        var findings = IsolationChecks.Judge(PolicyFacts.From(restore, "/src"), new HostContext()).Where(f => f.FailsGate).Select(f => f.Code.Id);
        Assert.Empty(findings);
        Assert.Equal(SandboxPolicy.Default.User, restore.User);
        Assert.Equal(RestoreLayout.ResultsTarget, restore.OutputTarget);
        Assert.Empty(restore.Mounts);
        Assert.Empty(restore.EnvAllow);
        Assert.Empty(restore.EnvSet);
    }

    [Fact]
    public void A_tighter_run_policy_stays_tight_in_the_restore_sandbox()
    {
        var tight = SandboxPolicy.Default with { Memory = 1L << 30, Cpus = 1, Pids = 256, User = "2000:2000", Timeout = TimeSpan.FromMinutes(5) };

        var restore = RestorePolicy.From(tight);

        Assert.Equal((1L << 30, 1.0, 256L, "2000:2000", TimeSpan.FromMinutes(5)), (restore.Memory, restore.Cpus, restore.Pids, restore.User, restore.Timeout));
    }

    [Fact]
    public void The_restore_environment_is_the_proxy_the_package_folder_and_nothing_of_the_host()
    {
        var env = RestoreEnvironment.Build(withCertificates: true);

        Assert.Equal("http://127.0.0.1:3128", env["http_proxy"]);
        Assert.Equal("http://127.0.0.1:3128", env["HTTP_PROXY"]);
        Assert.Equal("http://127.0.0.1:3128", env["HTTPS_PROXY"]);
        Assert.Equal("", env["NO_PROXY"]);
        Assert.Equal("", env["no_proxy"]);
        Assert.Equal("/sandbox/nuget/0", env["NUGET_PACKAGES"]);
        Assert.Equal("offline", env["NUGET_CERT_REVOCATION_MODE"]);
        Assert.Equal("/home/sandbox", env["HOME"]);
        Assert.Equal("/sandbox/restore/config/ca-certificates.pem", env["SSL_CERT_FILE"]);
        Assert.DoesNotContain(env.Keys, k => k.Contains("TOKEN", StringComparison.Ordinal) || k.StartsWith("AWS", StringComparison.Ordinal) || k == "PATH");
        Assert.DoesNotContain("SSL_CERT_FILE", RestoreEnvironment.Build(withCertificates: false).Keys);
    }

    [Fact]
    public void The_trusted_nuget_config_clears_every_source_and_gives_a_credential_only_to_its_host()
    {
        using var folder = new TempFolder();
        var feeds = new[]
        {
            TrustedFeeds.Parse("https://pkgs.example/v3/index.json", 0, "/"),
            TrustedFeeds.Parse("http://feed.test:8080/index.json", 1, "/"),
            TrustedFeeds.Parse(folder.Path, 2, "/"),
        };

        var config = XDocument.Parse(TrustedNuGetConfig.Render(feeds, [new FeedCredential("pkgs.example", "me", "p<&>\"ss")]));

        var sources = config.Root!.Element("packageSources")!;
        Assert.Equal("clear", sources.Elements().First().Name.LocalName);
        Assert.Equal(["https://pkgs.example/v3/index.json", "http://feed.test:8080/index.json", "/sandbox/restore/feeds/2"],
            sources.Elements("add").Select(e => e.Attribute("value")!.Value));
        Assert.Equal("true", sources.Elements("add").ElementAt(1).Attribute("allowInsecureConnections")!.Value);
        var credentials = config.Root.Element("packageSourceCredentials")!.Elements().ToArray();
        var only = Assert.Single(credentials);
        Assert.Equal("trusted-0", only.Name.LocalName);
        Assert.Equal("p<&>\"ss", only.Elements("add").Single(e => e.Attribute("key")!.Value == "ClearTextPassword").Attribute("value")!.Value);
        Assert.Equal("/sandbox/nuget/0", config.Root.Element("config")!.Element("add")!.Attribute("value")!.Value);
        Assert.Equal("clear", config.Root.Element("fallbackPackageFolders")!.Elements().Single().Name.LocalName);
    }

    private static RestoreFacts HardenedFacts() => new()
    {
        NetworkMode = "none",
        Mounts =
        [
            new MountFact("bind", "/state/src", "/workspace/src", true, "rprivate"),
            new MountFact("bind", "/state/entry/results", RestoreLayout.ResultsTarget, false, "rprivate"),
            new MountFact("bind", "/state/entry/packages", RestoreLayout.PackagesTarget, false, "rprivate"),
            new MountFact("bind", "/state/run/proxy", RestoreLayout.ProxyTarget, true, "rprivate"),
            new MountFact("bind", "/state/run/config", RestoreLayout.ConfigTarget, true, "rprivate"),
            new MountFact("volume", "/var/lib/docker/volumes/probe/_data", "/opt/sandboxbuild/probe", true, ""),
        ],
        Environment = [.. RestoreEnvironment.Build(true).Select(e => new EnvFact(e.Key, e.Value)), new EnvFact("PATH", "/usr/bin:/bin")],
        ImageEnvironment = ["PATH=/usr/bin:/bin", "DOTNET_ROOT=/usr/share/dotnet"],
        Probe = new ProbeReport
        {
            Interfaces = ["lo"],
            SocketScanComplete = true,
            Sockets = [new SocketFinding { Path = RestoreLayout.ProxySocketTarget, Connected = true, Detail = "connected" }],
        },
    };

    private static readonly RestoreExpectations Expected = new()
    {
        ProxyFolder = "/state/run/proxy",
        PackagesFolder = "/state/entry/packages",
        ResultsFolder = "/state/entry/results",
        Environment = RestoreEnvironment.Build(true),
        Secrets = ["feed-secret-123"],
    };

    private static string[] Failed(RestoreFacts facts) => RestoreChecks.Judge(facts, Expected).Where(f => f.FailsGate).Select(f => f.Code.Id).ToArray();

    [Fact]
    public void The_hardened_restore_sandbox_passes_every_restore_check()
    {
        var findings = RestoreChecks.Judge(HardenedFacts(), Expected).ToArray();

        Assert.Equal(["SBX2301", "SBX2302", "SBX2303", "SBX2304", "SBX2305"], findings.Select(f => f.Code.Id));
        Assert.All(findings, f => Assert.Equal(CheckStatus.Pass, f.Status));
    }

    public static TheoryData<string, Func<RestoreFacts, RestoreFacts>, string> Weakenings => new()
    {
        { "a network", f => f with { NetworkMode = "bridge", Probe = f.Probe!.With(p => p.Interfaces = ["eth0", "lo"]) }, "SBX2301" },
        { "routes", f => f with { Probe = f.Probe!.With(p => p.Routes = ["eth0 00000000 010011AC"]) }, "SBX2301" },
        { "no probe", f => f with { Probe = null }, "SBX2301" },
        { "another socket", f => f with { Probe = f.Probe!.With(p => p.Sockets.Add(new SocketFinding { Path = "/sandbox/restore/feeds/0/agent.sock", Connected = true })) }, "SBX2302" },
        { "an incomplete socket scan", f => f with { Probe = f.Probe!.With(p => p.SocketScanComplete = false) }, "SBX2302" },
        { "a writable proxy folder", f => f with { Mounts = f.Mounts.Select(m => m.Target == RestoreLayout.ProxyTarget ? m with { ReadOnly = false } : m).ToArray() }, "SBX2303" },
        { "another proxy folder", f => f with { Mounts = f.Mounts.Select(m => m.Target == RestoreLayout.ProxyTarget ? m with { Source = "/run" } : m).ToArray() }, "SBX2303" },
        { "no proxy socket", f => f with { Probe = f.Probe!.With(p => p.Sockets.Clear()) }, "SBX2303" },
        { "an extra variable", f => f with { Environment = [.. f.Environment, new EnvFact("EXTRA", "1")] }, "SBX2304" },
        { "a changed proxy variable", f => f with { Environment = f.Environment.Select(e => e.Name == "NO_PROXY" ? e with { Value = "*" } : e).ToArray() }, "SBX2304" },
        { "a secret under an allowed name", f => f with { Environment = f.Environment.Select(e => e.Name == "HOME" ? e with { Value = "feed-secret-123" } : e).ToArray() }, "SBX2304" },
        { "another writable folder", f => f with { Mounts = [.. f.Mounts, new MountFact("bind", "/home/user/.nuget/packages", "/cache", false, "rprivate")] }, "SBX2305" },
        { "a writable source", f => f with { Mounts = f.Mounts.Select(m => m.Target == "/workspace/src" ? m with { ReadOnly = false } : m).ToArray() }, "SBX2305" },
        { "another package folder", f => f with { Mounts = f.Mounts.Select(m => m.Target == RestoreLayout.PackagesTarget ? m with { Source = "/root/.nuget/packages" } : m).ToArray() }, "SBX2305" },
    };

    [Theory]
    [MemberData(nameof(Weakenings))]
    public void Each_weakening_fails_its_restore_check(string weakening, Func<RestoreFacts, RestoreFacts> weaken, string code)
    {
        Assert.NotEmpty(weakening);

        Assert.Contains(code, Failed(weaken(HardenedFacts())));
    }
}

internal static class ProbeReportCopy
{
    /// <summary>A changed copy, so each weakening starts from the hardened facts.</summary>
    public static ProbeReport With(this ProbeReport report, Action<ProbeReport> change)
    {
        var copy = System.Text.Json.JsonSerializer.Deserialize(System.Text.Json.JsonSerializer.Serialize(report, ProbeJson.Default.ProbeReport), ProbeJson.Default.ProbeReport)!;
        change(copy);
        return copy;
    }
}
