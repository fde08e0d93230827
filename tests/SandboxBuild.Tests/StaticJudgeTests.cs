using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

/// <summary>
/// The static gate judges what the engine will do: users by their numbers, mounts by prefix and where
/// links lead, targets against the image's system folders and the probe, custom seccomp only when pinned.
/// </summary>
public class StaticJudgeTests
{
    private static readonly HostContext Host = new()
    {
        HomeDirectories = ["/home/dev", "/root"],
        EngineSockets = ["/var/run/docker.sock"],
        RepositoryRoot = "/home/dev/repo",
    };

    private static Finding[] Judge(string yaml, string source = "/home/dev/repo", HostContext? host = null) =>
        Gate.JudgeStatic(PolicyLoader.Parse(yaml, "/callers/policy.yml"), source, host ?? Host).Findings.ToArray();

    private static void AssertFails(Finding[] findings, SandboxCode code) =>
        Assert.True(findings.Any(f => f.Code == code && f.Status == CheckStatus.Fail), $"expected {code.Id} to fail: {string.Join("; ", findings.Where(f => f.FailsGate).Select(f => f.Code.Id + " " + f.Describe()))}");

    [Theory]
    [InlineData("source: { target: /usr/share/dotnet }")]
    [InlineData("output: { target: /usr/bin }")]
    [InlineData("tmpfs: { /usr/share/dotnet: 64m }")]
    [InlineData("tmpfs: { /opt: 64m }")]
    [InlineData("tmpfs: { /etc/ssl: 1m }")]
    [InlineData("tmpfs: { /workspace/../lib: 1m }")]
    [InlineData("mounts: [\"/home/dev/repo/docs:/opt/sandboxbuild/probe/x\"]")]
    [InlineData("mounts: [\"/home/dev/repo/docs:/lib64\"]")]
    public void A_target_over_a_system_folder_or_the_probe_fails(string yaml) => AssertFails(Judge(yaml), Codes.TargetCoversSystemPath);

    [Theory]
    [InlineData("tmpfs: { /dev/shm: 64m, /tmp: 1g }")]
    [InlineData("mounts: [\"/home/dev/repo/docs:/workspace/docs\"]")]
    [InlineData("source: { target: /src }")]
    public void Targets_elsewhere_pass(string yaml) =>
        Assert.Contains(Judge(yaml), f => f.Code == Codes.TargetCoversSystemPath && f.Status == CheckStatus.Pass);

    [Theory]
    [InlineData("mounts: [/var/lib/docker/volumes:/v]", "SBX2021")]
    [InlineData("mounts: [/var/lib/containerd/io.containerd.content.v1.content:/v]", "SBX2021")]
    [InlineData("mounts: [/run/user/1000:/v]", "SBX2021")]
    [InlineData("mounts: [/etc/ssh:/v]", "SBX2021")]
    [InlineData("mounts: [/home/dev/.config:/v]", "SBX2017")]
    [InlineData("mounts: [/home/dev/.config/gh:/v]", "SBX2017")]
    [InlineData("mounts: [/home/dev/.nuget:/v]", "SBX2017")]
    [InlineData("mounts: [/home/dev/.nuget/NuGet:/v]", "SBX2017")]
    [InlineData("mounts: [/home/dev/.nuget/plugins:/v]", "SBX2017")]
    [InlineData("mounts: [/root/.docker:/v]", "SBX2017")]
    public void Denylists_match_by_prefix(string yaml, string code) => AssertFails(Judge(yaml), Codes.Find(code)!);

    [Fact]
    public void A_mount_is_judged_where_its_link_leads()
    {
        using var folder = new TempFolder();
        var repo = Directory.CreateDirectory(Path.Combine(folder.Path, "repo")).FullName;
        File.CreateSymbolicLink(Path.Combine(repo, "fixtures"), "/etc");

        var findings = Judge("mounts: [\"./fixtures:/workspace/fixtures\"]", repo, Host with { RepositoryRoot = repo });

        AssertFails(findings, Codes.SystemFolderMounted);
        Assert.Contains(findings, f => f.Code == Codes.SystemFolderMounted && f.Seen.StartsWith("/etc ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("user: \"00:00\"", "SBX2010")]
    [InlineData("user: \"+0\"", "SBX2010")]
    [InlineData("user: \"1000:0\"", "SBX2025")]
    [InlineData("user: \"1000\"", "SBX2026")]
    [InlineData("user: sandbox", "SBX2026")]
    [InlineData("user: \"1:2:3\"", "SBX2026")]
    public void Users_are_judged_by_number_and_an_unresolvable_one_fails_closed(string yaml, string code) => AssertFails(Judge(yaml), Codes.Find(code)!);

    [Fact]
    public void Swap_0_is_what_the_engine_makes_of_it_twice_the_memory()
    {
        var findings = Judge("memory_swap: 0");

        AssertFails(findings, Codes.MemoryUnlimited);
        Assert.Contains(findings, f => f.Code == Codes.MemoryUnlimited && f.Seen == "4g plus 4g swap");
    }

    [Fact]
    public void A_custom_seccomp_profile_passes_only_with_the_trusted_pin_of_its_exact_bytes()
    {
        using var folder = new TempFolder();
        var profile = folder.Write("profile.json", "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
        var pin = SeccompProfile.Sha256OfFile(profile);

        var unpinned = Judge($"seccomp: {profile}");
        var wrongPin = Judge($"seccomp: {profile}\nseccomp_sha256: {new string('0', 64)}");
        var pinned = Judge($"seccomp: {profile}\nseccomp_sha256: {pin}");

        AssertFails(unpinned, Codes.SeccompNotPinned);
        AssertFails(wrongPin, Codes.SeccompNotPinned);
        Assert.Contains(pinned, f => f.Code == Codes.SeccompNotPinned && f.Status == CheckStatus.Pass);
        Assert.Throws<SandboxException>(() => SeccompProfile.ReadPinned(profile, new string('0', 64)));
        Assert.Equal(pin, SeccompProfile.Sha256OfContent(SeccompProfile.ReadPinned(profile, pin)));
    }

    [Fact]
    public void Refusals_and_notices_of_the_resolution_are_gate_findings()
    {
        using var repo = new TempFolder();
        repo.Write("sandbox.yml", "network: bridge\n");

        var trusted = PolicyResolver.Resolve(new TrustedPolicyInputs { TrustRepositoryPolicy = true }, repo.Path);
        var floor = PolicyResolver.Resolve(new TrustedPolicyInputs(), repo.Path);
        var host = HostContext.Current(repo.Path);

        var refused = Gate.JudgeStatic(floor, repo.Path, host);
        var warned = Gate.JudgeStatic(trusted, repo.Path, host);

        Assert.False(refused.Passed);
        Assert.Equal(["SBX2501"], refused.Failures.Select(f => f.Code.Id));
        Assert.Contains(warned.Findings, f => f.Code == Codes.RepositoryPolicyTrusted && f.Status == CheckStatus.Warn);
        Assert.Contains(warned.Failures, f => f.Code == Codes.NetworkNotNone);
    }
}
