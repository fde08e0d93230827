using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

/// <summary>The judge of what the probe saw inside: isolated facts pass, each weakening fails, unknowns fail closed.</summary>
public class ProbeChecksTests
{
    private static readonly ProbeRequest Request = new()
    {
        TcpTarget = "172.17.0.1:40000",
        UdpTarget = "172.17.0.1:40001",
        SourcePath = "/workspace/src",
        OutputPath = "/workspace/output",
        ReadOnlyTrees = ["/workspace/src", "/workspace/packages/0"],
    };

    public static ProbeReport Isolated() => new()
    {
        Uid = 1000,
        Gid = 1000,
        CapEff = "0000000000000000",
        CapPrm = "0000000000000000",
        CapBnd = "0000000000000000",
        CapAmb = "0000000000000000",
        NoNewPrivs = 1,
        Seccomp = 2,
        Interfaces = ["lo"],
        Tcp = new ConnectResult { Target = Request.TcpTarget!, Outcome = "unreachable", Detail = "ENETUNREACH" },
        Udp = new ConnectResult { Target = Request.UdpTarget!, Outcome = "unreachable", Detail = "ENETUNREACH" },
        ProcSys = new WriteResult { Path = "/proc/sys", MountReadOnly = true },
        Source = new WriteResult { Path = "/workspace/src", MountReadOnly = true },
        Output = new WriteResult { Path = "/workspace/output", Writable = true, MountReadOnly = false },
        RootFilesystem = new WriteResult { Path = "/var/tmp", MountReadOnly = true },
        SocketScanComplete = true,
        Attempts = [new AttemptResult { Name = "setuid-root", Blocked = true, Evidence = "EPERM" }],
        ProbePid = 40,
        ProcessTableRead = true,
        Processes =
        [
            new ProcessInfo { Pid = 1, ParentPid = 0, Exe = "/usr/sbin/docker-init", StartTicks = 100 },
            new ProcessInfo { Pid = 7, ParentPid = 1, Exe = "/usr/bin/sleep", Arguments = ["/bin/sleep", "1815"], StartTicks = 101 },
            MsBuildNode(21),
            new ProcessInfo { Pid = 40, ParentPid = 0, Exe = "/usr/share/dotnet/dotnet", Arguments = ["/usr/share/dotnet/dotnet", "/opt/sandboxbuild/probe/sandboxbuild-probe.dll", "probe"], StartTicks = 900 },
        ],
    };

    private static ProcessInfo MsBuildNode(int pid) => new()
    {
        Pid = pid,
        ParentPid = 1,
        Exe = "/usr/share/dotnet/dotnet",
        Arguments = ["/usr/share/dotnet/dotnet", "/usr/share/dotnet/sdk/10.0.100/MSBuild.dll", "-nologo", "-nodemode:1"],
        StartTicks = 300,
    };

    private static IReadOnlyList<Finding> Failures(ProbeReport report) =>
        ProbeChecks.Judge(report, Request).Where(f => f.Status == CheckStatus.Fail).ToArray();

    [Fact]
    public void The_process_rule_knows_where_our_own_agent_is_mounted()
    {
        Assert.Equal($"{SandboxBuild.Engine.SandboxLayout.ProbeMount}/{SandboxBuild.Engine.ProbeVolume.FileName}", ProcessRules.ProbeDll);
    }

    [Fact]
    public void An_isolated_report_passes()
    {
        Assert.Empty(Failures(Isolated()));
    }

    public static TheoryData<string, Action<ProbeReport>> Weakenings => new()
    {
        { "SBX2101", r => r.Interfaces = ["eth0", "lo"] },
        { "SBX2101", r => r.Interfaces = [] },
        { "SBX2102", r => r.Routes = ["eth0\t00000000\t010011AC"] },
        { "SBX2102", r => r.Ipv6Addresses = ["fe800000000000000042acfffe110002 02 40 20 80 eth0"] },
        { "SBX2103", r => r.Tcp!.Outcome = "connected" },
        { "SBX2103", r => r.Tcp!.Outcome = "refused" },
        { "SBX2103", r => r.Tcp!.Outcome = "timeout" },
        { "SBX2103", r => r.Tcp = null },
        { "SBX2104", r => r.Udp!.Outcome = "answered" },
        { "SBX2140", r => r.ProcessTableRead = false },
        { "SBX2140", r => r.Processes.Add(new ProcessInfo { Pid = 55, ParentPid = 1, Exe = "/usr/bin/python3", Arguments = ["python3", "-c", "writer"], StartTicks = 500 }) },
        { "SBX2140", r => r.Processes.Add(new ProcessInfo { Pid = 56, ParentPid = 1, Exe = "/usr/bin/sleep", Arguments = ["/bin/sleep", "1815"], StartTicks = 600 }) },
        { "SBX2140", r => { var hooked = MsBuildNode(57); hooked.LoaderHooks = true; r.Processes.Add(hooked); } },
        { "SBX2140", r => r.Processes.Add(new ProcessInfo { Pid = 58, ParentPid = 1, Exe = "/usr/share/dotnet/dotnet", Arguments = ["dotnet", "/workspace/build/evil/MSBuild.dll"], StartTicks = 700 }) },
        { "SBX2140", r => r.Processes.Add(new ProcessInfo { Pid = 59, ParentPid = -1 }) },
        { "SBX2140", r => r.Processes.Add(new ProcessInfo { Pid = 60, ParentPid = 1, Exe = "/usr/share/dotnet/dotnet", Arguments = ["dotnet", ProcessRules.ProbeDll, "stage"], LoaderHooks = true }) },
        { "SBX1403", r => r.WritableSubMounts = ["/workspace/src/cache"] },
        { "SBX2105", r => r.Uid = 0 },
        { "SBX2105", r => r.Uid = -1 },
        { "SBX2106", r => r.CapBnd = "00000000a80425fb" },
        { "SBX2106", r => r.CapEff = "" },
        { "SBX2107", r => r.NoNewPrivs = 0 },
        { "SBX2108", r => r.Seccomp = 0 },
        { "SBX2109", r => r.ProcSys = new WriteResult { MountReadOnly = false } },
        { "SBX2110", r => r.ReleaseAgents = [new WriteResult { Path = "/sys/fs/cgroup/memory/release_agent", MountReadOnly = false }] },
        { "SBX2111", r => r.Source = new WriteResult { Writable = true, MountReadOnly = false } },
        { "SBX2112", r => r.Output = new WriteResult { Writable = false } },
        { "SBX2113", r => r.Sockets = [new SocketFinding { Path = "/var/run/docker.sock", Connected = true }] },
        { "SBX2113", r => r.SocketScanComplete = false },
        { "SBX2114", r => r.CredentialFiles = ["/home/dev/.aws/credentials"] },
        { "SBX2115", r => r.SecretEnvironment = ["GITHUB_TOKEN"] },
        { "SBX2116", r => r.RootFilesystem = new WriteResult { Writable = true, MountReadOnly = false } },
        { "SBX2117", r => r.Attempts = [new AttemptResult { Name = "mount", Blocked = false }] },
        { "SBX2117", r => r.Attempts = [] },
        { "SBX2902", r => r.Errors = ["network: IOException"] },
    };

    [Theory]
    [MemberData(nameof(Weakenings))]
    public void Each_weakening_or_unknown_fails_with_its_code(string code, Action<ProbeReport> weaken)
    {
        var report = Isolated();
        weaken(report);

        Assert.Contains(Failures(report), f => f.Code.Id == code);
    }

    [Fact]
    public void Without_a_host_side_listener_the_network_attempts_fail_closed()
    {
        var findings = ProbeChecks.Judge(Isolated(), new ProbeRequest { SourcePath = "/workspace/src", OutputPath = "/workspace/output" });

        Assert.Contains(findings, f => f.Code == Codes.ProbeEgress && f.Status == CheckStatus.Fail);
        Assert.Contains(findings, f => f.Code == Codes.ProbeDns && f.Status == CheckStatus.Fail);
    }

    [Fact]
    public void Credential_material_fails_unless_it_is_the_one_file_the_trusted_side_put_there()
    {
        var report = Isolated();
        report.CredentialMaterialFound = [new CredentialFinding { Path = "/sandbox/restore/config/NuGet.Config", Why = "Password assignment" }];
        var sanctioned = new ProbeRequest
        {
            TcpTarget = Request.TcpTarget, UdpTarget = Request.UdpTarget, SourcePath = Request.SourcePath, OutputPath = Request.OutputPath,
            SanctionedCredentials = ["/sandbox/restore/config/NuGet.Config"],
        };

        Assert.Contains(Failures(report), f => f.Code.Id == "SBX2118");
        Assert.DoesNotContain(ProbeChecks.Judge(report, sanctioned), f => f.Status == CheckStatus.Fail && f.Code.Id == "SBX2118");
        report.CredentialMaterialFound.Add(new CredentialFinding { Path = "/sandbox/restore/config/other.json", Why = "token" });
        Assert.Contains(ProbeChecks.Judge(report, sanctioned), f => f.Status == CheckStatus.Fail && f.Code.Id == "SBX2118");
    }
}
