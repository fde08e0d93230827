using System.Net.Sockets;
using Docker.DotNet.Models;
using SandboxBuild.Engine;
using SandboxBuild.Runs;
using SandboxBuild.Validation;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Every check of the gate, proven on a real sandbox: the hardened default passes, and each weakening,
/// made for real on the engine, fails with its code, from docker inspect and from the probe inside.
/// </summary>
public sealed class GateTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private async Task<ValidationReport> ValidateAsync(Action<CreateContainerParameters>? weaken = null, System.Net.IPAddress? listenAddress = null)
    {
        using var source = new TempFolder();
        source.Write("Program.cs", "// source under test");
        return await Proving.ValidateAsync(fixture, source.Path, weaken is null ? null : p => weaken(p), listenAddress);
    }

    private static void AssertFails(ValidationReport report, params string[] codes)
    {
        Assert.False(report.Passed);
        var failed = report.Failures.Select(f => f.Code.Id).ToHashSet();
        Assert.All(codes, code => Assert.True(failed.Contains(code), $"expected {code} among the failures: {string.Join(", ", failed.Order())}"));
    }

    [Fact]
    public async Task The_hardened_default_passes_every_check()
    {
        var report = await ValidateAsync();

        Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => $"{f.Code.Id} {f.Describe()}")));
        Assert.NotNull(report.Probe);
        Assert.Equal("unreachable", report.Probe!.Tcp!.Outcome);
        Assert.True(report.Findings.Count(f => f.Source == FactSource.Probe) >= 15);
        Assert.True(report.Findings.Count(f => f.Source == FactSource.Container) >= 20);
    }

    public static TheoryData<string, Action<CreateContainerParameters>, string[]> Weakenings => new()
    {
        { "bridge network", p => p.HostConfig.NetworkMode = "bridge", ["SBX2001", "SBX2101", "SBX2102", "SBX2103", "SBX2104"] },
        { "host network", p => { p.HostConfig.NetworkMode = "host"; p.Hostname = ""; }, ["SBX2001", "SBX2101", "SBX2102"] },
        { "privileged with cap_drop ALL", p => p.HostConfig.Privileged = true, ["SBX2002", "SBX2008", "SBX2106", "SBX2109"] },
        { "the host's cgroup filesystem mounted writable", p => p.HostConfig.Mounts.Add(Bind("/sys/fs/cgroup", "/sys/fs/cgroup", readOnly: false)), ["SBX2021", "SBX2110"] },
        { "root with setuid and mount allowed", p => { p.User = "0:0"; p.HostConfig.CapDrop = []; }, ["SBX2004", "SBX2010", "SBX2105", "SBX2106", "SBX2117"] },
        { "cap_add SYS_ADMIN", p => p.HostConfig.CapAdd = ["SYS_ADMIN"], ["SBX2003", "SBX2106"] },
        { "cap_drop not ALL", p => p.HostConfig.CapDrop = ["NET_RAW"], ["SBX2004", "SBX2106"] },
        { "no-new-privileges missing", p => p.HostConfig.SecurityOpt = [], ["SBX2005", "SBX2107"] },
        { "seccomp unconfined", p => p.HostConfig.SecurityOpt = ["no-new-privileges:true", "seccomp=unconfined"], ["SBX2006", "SBX2108"] },
        { "apparmor unconfined", p => p.HostConfig.SecurityOpt = ["no-new-privileges:true", "apparmor=unconfined"], ["SBX2007"] },
        { "systempaths=unconfined", p => { p.HostConfig.MaskedPaths = []; p.HostConfig.ReadonlyPaths = []; }, ["SBX2008", "SBX2109"] },
        { "writable root filesystem", p => p.HostConfig.ReadonlyRootfs = false, ["SBX2009", "SBX2116"] },
        { "root user", p => p.User = "0:0", ["SBX2010", "SBX2105"] },
        { "host pid namespace", p => p.HostConfig.PidMode = "host", ["SBX2011"] },
        { "host ipc namespace", p => p.HostConfig.IpcMode = "host", ["SBX2011"] },
        { "host uts namespace", p => { p.HostConfig.UTSMode = "host"; p.Hostname = ""; }, ["SBX2011"] },
        { "a device added", p => p.HostConfig.Devices = [new DeviceMapping { PathOnHost = "/dev/null", PathInContainer = "/dev/extra", CgroupPermissions = "rwm" }], ["SBX2012"] },
        { "no memory limit", p => { p.HostConfig.Memory = 0; p.HostConfig.MemorySwap = 0; }, ["SBX2013"] },
        { "no cpu limit", p => p.HostConfig.NanoCPUs = 0, ["SBX2014"] },
        { "no pids limit", p => p.HostConfig.PidsLimit = null, ["SBX2015"] },
        { "docker.sock mounted", p => p.HostConfig.Mounts.Add(Bind("/var/run/docker.sock", "/var/run/docker.sock", readOnly: true)), ["SBX2016"] },
        { "/var/run mounted", p => p.HostConfig.Mounts.Add(Bind("/var/run", "/host-run", readOnly: true)), ["SBX2016"] },
        { "home mounted", p => p.HostConfig.Mounts.Add(Bind(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "/host-home", readOnly: true)), ["SBX2017"] },
        { "source writable", p => p.HostConfig.Mounts[0].ReadOnly = false, ["SBX2018", "SBX2111"] },
        { "output not writable", p => p.HostConfig.Mounts[1].ReadOnly = true, ["SBX2112"] },
        { "a secret in the environment", p => p.Env.Add("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ["SBX2020", "SBX2115"] },
        { "/etc mounted", p => p.HostConfig.Mounts.Add(Bind("/etc", "/host-etc", readOnly: true)), ["SBX2021"] },
        { "an unsized tmpfs", p => p.HostConfig.Tmpfs["/scratch"] = "rw,nosuid", ["SBX2022"] },
        { "no probe in the sandbox", p => p.HostConfig.Mounts.RemoveAt(p.HostConfig.Mounts.Count - 1), ["SBX2902"] },
    };

    [Theory]
    [MemberData(nameof(Weakenings))]
    public async Task Each_weakening_made_for_real_fails_the_gate_with_its_code(string weakening, Action<CreateContainerParameters> weaken, string[] codes)
    {
        Assert.NotEmpty(weakening);
        AssertFails(await ValidateAsync(weaken), codes);
    }

    [Fact]
    public async Task Another_containers_network_namespace_fails()
    {
        var helper = await fixture.Engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = fixture.Image.Reference,
            Entrypoint = ["/bin/sleep", "120"],
            Labels = new Dictionary<string, string> { ["dev.sandboxbuild.managed"] = "true", ["dev.sandboxbuild.kind"] = "test-helper" },
            HostConfig = new HostConfig { NetworkMode = "bridge" },
        });
        try
        {
            await fixture.Engine.Client.Containers.StartContainerAsync(helper.ID, new ContainerStartParameters());

            AssertFails(await ValidateAsync(p =>
            {
                p.HostConfig.NetworkMode = $"container:{helper.ID}";
                p.Hostname = "";
            }), "SBX2001", "SBX2101", "SBX2103");
        }
        finally
        {
            await fixture.Engine.Client.Containers.RemoveContainerAsync(helper.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task A_reachable_host_socket_fails()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "agent.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        File.SetUnixFileMode(path, (UnixFileMode)0b111_111_111);
        Readable(folder.Path);

        AssertFails(await ValidateAsync(p => p.HostConfig.Mounts.Add(Bind(folder.Path, "/run/host-agent", readOnly: true))), "SBX2113");
    }

    [Fact]
    public async Task Credential_files_visible_inside_fail()
    {
        using var home = new TempFolder();
        home.Write(".aws/credentials", "[default]\n");
        Readable(home.Path);

        AssertFails(await ValidateAsync(p => p.HostConfig.Mounts.Add(Bind(home.Path, "/home/victim", readOnly: true))), "SBX2114");
    }

    [Fact]
    public async Task A_mount_that_propagates_from_the_host_fails()
    {
        using var shared = new TempFolder();
        await SharedMount.MakeAsync(shared.Path);
        try
        {
            var mount = Bind(shared.Path, "/shared", readOnly: true);
            mount.BindOptions.Propagation = "rslave";

            AssertFails(await ValidateAsync(p => p.HostConfig.Mounts.Add(mount)), "SBX2019");
        }
        finally
        {
            await SharedMount.RemoveAsync(shared.Path);
        }
    }

    [Fact]
    public async Task A_sandbox_that_cannot_be_inspected_fails_closed()
    {
        using var source = new TempFolder();
        var layout = new SandboxBuild.Engine.SandboxLayout { SourceDirectory = source.Path, OutputDirectory = source.Path, ProbeVolume = fixture.ProbeVolume };
        var container = await SandboxFactory.StartAsync(fixture.Engine, new SandboxRequest
        {
            Policy = fixture.Policy,
            Layout = layout,
            Kind = "validate",
            RunId = "gone",
            RepositoryPath = source.Path,
            Lifetime = TimeSpan.FromMinutes(1),
        }, CancellationToken.None);
        await container.RemoveAsync();

        var report = await Gate.JudgeRunningAsync(fixture.Engine, container, fixture.Policy, layout, HostContext.Current(source.Path), CancellationToken.None);

        AssertFails(report, "SBX2901", "SBX2902");
    }

    [Fact]
    public async Task No_host_side_listener_fails_closed()
    {
        // 192.0.2.1 (TEST-NET-1) is not an address of this machine: binding fails, and nothing is ever sent.
        AssertFails(await ValidateAsync(listenAddress: System.Net.IPAddress.Parse("192.0.2.1")), "SBX2904", "SBX2103", "SBX2104");
    }

    // Temporary folders are private (0700); the sandbox user must be able to look in, as in a real home.
    private static void Readable(string folder)
    {
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }
    }

    private static Mount Bind(string source, string target, bool readOnly) => SandboxBuild.Engine.SandboxSpec.Bind(source, target, readOnly);
}
