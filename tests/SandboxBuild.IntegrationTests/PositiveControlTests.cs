using System.Text.Json;
using DotNet.Testcontainers.Builders;
using SandboxBuild.Engine;
using SandboxBuild.Probing;
using SandboxBuild.Validation;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// The network probe must be able to see a network, or its "unreachable" proves nothing: the same probe, in a
/// container on the default bridge (started with Testcontainers), reaches the validator's host-side listeners.
/// </summary>
public sealed class PositiveControlTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task The_same_probe_on_the_bridge_reports_the_host_listener_reachable()
    {
        await using var listeners = await HostListeners.OpenAsync(fixture.Engine, null, CancellationToken.None);
        var request = new ProbeRequest { TcpTarget = listeners.TcpEndpoint.ToString(), UdpTarget = listeners.UdpEndpoint.ToString() };

        await using var container = new ContainerBuilder(fixture.Image.Reference)
            .WithImagePullPolicy(_ => false)
            .WithLabel(SandboxLabels.Managed, "true")
            .WithLabel(SandboxLabels.Kind, "positive-control")
            .WithNetwork("bridge")
            .WithVolumeMount(fixture.ProbeVolume, SandboxLayout.ProbeMount, DotNet.Testcontainers.Configurations.AccessMode.ReadOnly)
            .WithEntrypoint(ProbeRunner.DotnetHost)
            .WithCommand($"{SandboxLayout.ProbeMount}/{ProbeVolume.FileName}", "probe", JsonSerializer.Serialize(request, ProbeJson.Default.ProbeRequest))
            .WithWaitStrategy(Wait.ForUnixContainer())
            .Build();
        await container.StartAsync();
        var exitCode = await container.GetExitCodeAsync();
        var (stdout, stderr) = await container.GetLogsAsync(timestampsEnabled: false);

        Assert.True(exitCode == 0, stderr);
        var report = JsonSerializer.Deserialize(stdout, ProbeJson.Default.ProbeReport)!;
        Assert.Equal("connected", report.Tcp!.Outcome);
        Assert.Equal("answered", report.Udp!.Outcome);
        Assert.Contains("eth0", report.Interfaces);
        Assert.NotEmpty(report.Routes);
        Assert.True(listeners.TcpConnections >= 1);
        Assert.True(listeners.DnsQueries >= 1);

        // And the gate's judge turns exactly this into failures.
        var failed = ProbeChecks.Judge(report, request).Where(f => f.FailsGate).Select(f => f.Code.Id).ToArray();
        Assert.Contains("SBX2101", failed);
        Assert.Contains("SBX2103", failed);
        Assert.Contains("SBX2104", failed);
    }
}
