using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Tests;

/// <summary>
/// The repository may only tighten: every loosening in its sandbox.yml (or its settings) is refused with its
/// code and both values and never takes effect; tightenings do; the trusted side sets and moves the floor.
/// </summary>
public class PolicyResolverTests
{
    private static PolicyResolution Resolve(TempFolder repo, string? sandboxYml = null, TrustedPolicyInputs? inputs = null)
    {
        if (sandboxYml is not null)
        {
            repo.Write("sandbox.yml", sandboxYml);
        }

        return PolicyResolver.Resolve(inputs ?? new TrustedPolicyInputs(), repo.Path);
    }

    [Fact]
    public void Without_any_policy_the_hardened_default_is_the_floor_and_the_result()
    {
        using var repo = new TempFolder();

        var resolution = Resolve(repo);

        Assert.Equal(SandboxPolicy.Default, resolution.Policy);
        Assert.Empty(resolution.Refusals);
        Assert.All(resolution.Sources.Values, layer => Assert.Equal(PolicyLayer.BuiltIn, layer));
    }

    [Theory]
    [InlineData("network: bridge", "SBX2501", "network", "none", "bridge")]
    [InlineData("user: \"00:00\"", "SBX2501", "user", "1000:1000", "00:00")]
    [InlineData("user: \"+0\"", "SBX2501", "user", "1000:1000", "+0")]
    [InlineData("user: \" 0\"", "SBX2501", "user", "1000:1000", " 0")]
    [InlineData("user: root", "SBX2501", "user", "1000:1000", "root")]
    [InlineData("user: \"1000\"", "SBX2501", "user", "1000:1000", "1000")]
    [InlineData("user: \"1000:0\"", "SBX2501", "user", "1000:1000", "1000:0")]
    [InlineData("privileged: true", "SBX2501", "privileged", "false", "true")]
    [InlineData("cap_drop: [NET_RAW]", "SBX2501", "cap_drop", "[ALL]", "[NET_RAW]")]
    [InlineData("cap_add: [SYS_ADMIN]", "SBX2501", "cap_add", "[]", "[SYS_ADMIN]")]
    [InlineData("no_new_privileges: false", "SBX2501", "no_new_privileges", "true", "false")]
    [InlineData("seccomp: unconfined", "SBX2501", "seccomp", "default", "unconfined")]
    [InlineData("seccomp: ./permissive.json", "SBX2501", "seccomp", "default", "./permissive.json")]
    [InlineData("seccomp_sha256: 0000000000000000000000000000000000000000000000000000000000000000", "SBX2501", "seccomp_sha256", "(none)", "0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("apparmor: unconfined", "SBX2501", "apparmor", "default", "unconfined")]
    [InlineData("system_paths: unconfined", "SBX2501", "system_paths", "masked", "unconfined")]
    [InlineData("read_only: false", "SBX2501", "read_only", "true", "false")]
    [InlineData("tmpfs: { /tmp: 1g, /home/sandbox: 256m, /scratch: 1m }", "SBX2501", "tmpfs", "/home/sandbox=256m, /tmp=1g", "/home/sandbox=256m, /scratch=1m, /tmp=1g")]
    [InlineData("tmpfs: { /tmp: 2g }", "SBX2501", "tmpfs", "/home/sandbox=256m, /tmp=1g", "/tmp=2g")]
    [InlineData("tmpfs: { /tmp: }", "SBX2501", "tmpfs", "/home/sandbox=256m, /tmp=1g", "/tmp=unsized")]
    [InlineData("workspace_size: 8g", "SBX2501", "workspace_size", "2g", "8g")]
    [InlineData("memory: 8g", "SBX2501", "memory", "4g", "8g")]
    [InlineData("memory: 0", "SBX2501", "memory", "4g", "unlimited")]
    [InlineData("memory_swap: unlimited", "SBX2501", "memory_swap", "none extra", "unlimited")]
    [InlineData("memory_swap: 0", "SBX2501", "memory_swap", "none extra", "4g extra")]
    [InlineData("cpus: 4", "SBX2501", "cpus", "2", "4")]
    [InlineData("cpus: 0", "SBX2501", "cpus", "2", "unlimited")]
    [InlineData("pids: 0", "SBX2501", "pids", "1024", "unlimited")]
    [InlineData("pids: 4096", "SBX2501", "pids", "1024", "4096")]
    [InlineData("timeout: 2h", "SBX2501", "timeout", "30m", "2h")]
    [InlineData("source: { target: /usr/share/dotnet }", "SBX2501", "source.target", "/workspace/src", "/usr/share/dotnet")]
    [InlineData("source: { read_only: false }", "SBX2501", "source.read_only", "true", "false")]
    [InlineData("output: { path: . }", "SBX2503", "output.path", "sandbox-output", ".")]
    [InlineData("output: { path: /home }", "SBX2503", "output.path", "sandbox-output", "/home")]
    [InlineData("output: { target: /usr/share/dotnet }", "SBX2501", "output.target", "/workspace/output", "/usr/share/dotnet")]
    [InlineData("image: evil/probe-filler:latest", "SBX2502", "image", SandboxPolicy.OfficialImage, "evil/probe-filler:latest")]
    [InlineData("env: { allow: [NUGET_PAT, DEPLOY_KEY, DATABASE_URL] }", "SBX2501", "env.allow", "[]", "[NUGET_PAT, DEPLOY_KEY, DATABASE_URL]")]
    [InlineData("devices: [/dev/fuse]", "SBX2501", "devices", "[]", "[/dev/fuse]")]
    [InlineData("pid: host", "SBX2501", "pid", "(engine default)", "host")]
    [InlineData("ipc: host", "SBX2501", "ipc", "private", "host")]
    [InlineData("uts: host", "SBX2501", "uts", "(engine default)", "host")]
    [InlineData("userns_mode: host", "SBX2501", "userns_mode", "(engine default)", "host")]
    [InlineData("cgroup: host", "SBX2501", "cgroup", "private", "host")]
    [InlineData("artifacts: { secrets: warn }", "SBX2501", "artifacts.secrets", "block", "warn")]
    [InlineData("artifacts: { max_files: 999999 }", "SBX2501", "artifacts.max_files", "20000", "999999")]
    [InlineData("artifacts: { max_file_size: 8g }", "SBX2501", "artifacts.max_file_size", "1g", "8g")]
    [InlineData("artifacts: { max_total_size: 8g }", "SBX2501", "artifacts.max_total_size", "4g", "8g")]
    [InlineData("mounts: [\"/etc:/workspace/etc\"]", "SBX2504", "mounts", "[]", "[/etc:/workspace/etc:ro]")]
    [InlineData("mounts: [\"~/.nuget:/workspace/nuget\"]", "SBX2504", "mounts", "[]", "[~/.nuget:/workspace/nuget:ro]")]
    [InlineData("mounts: [\"../:/workspace/parent\"]", "SBX2504", "mounts", "[]", "[../:/workspace/parent:ro]")]
    [InlineData("mounts: [\"./docs:/workspace/docs:rw\"]", "SBX2501", "mounts", "[]", "[./docs:/workspace/docs:rw]")]
    public void Each_loosening_in_the_repository_is_refused_with_its_code_and_both_values(string yaml, string code, string field, string floor, string repository)
    {
        using var repo = new TempFolder();

        var resolution = Resolve(repo, yaml + "\n");

        var refusal = Assert.Single(resolution.Refusals);
        Assert.Equal(code, refusal.Code.Id);
        Assert.Equal(field, refusal.Field);
        Assert.Equal(floor, refusal.FloorValue);
        Assert.Equal(repository, refusal.RepositoryValue);
        Assert.Equal(Path.Combine(repo.Path, "sandbox.yml"), refusal.Location?.File);
        Assert.Equal(1, refusal.Location!.Line);
        // It never takes effect: the policy is the floor.
        Assert.Equal(SandboxPolicy.Default, resolution.Policy);
        Assert.Equal(PolicyLayer.BuiltIn, resolution.Sources[field]);
    }

    [Theory]
    [InlineData("memory: 2g", "memory")]
    [InlineData("memory: 2g\nmemory_swap: 2g", "memory")]
    [InlineData("cpus: 1", "cpus")]
    [InlineData("pids: 100", "pids")]
    [InlineData("timeout: 5m", "timeout")]
    [InlineData("tmpfs: { /tmp: 512m }", "tmpfs")]
    [InlineData("workspace_size: 1g", "workspace_size")]
    [InlineData("cap_drop: [ALL, NET_RAW]", "cap_drop")]
    [InlineData("user: \"2000:2000\"", "user")]
    [InlineData("ipc: none", "ipc")]
    [InlineData("artifacts: { include: [\"**/*.trx\"], max_files: 10 }", "artifacts.include")]
    [InlineData("mounts: [\"./docs:/workspace/docs\"]", "mounts")]
    [InlineData("env: { set: { FEATURE_FLAG: on } }", "env.set")]
    public void Each_tightening_takes_effect_and_is_attributed_to_the_repository(string yaml, string field)
    {
        using var repo = new TempFolder();
        Directory.CreateDirectory(Path.Combine(repo.Path, "docs"));

        var resolution = Resolve(repo, yaml + "\n");

        Assert.Empty(resolution.Refusals);
        Assert.NotEqual(SandboxPolicy.Default, resolution.Policy);
        Assert.Equal(PolicyLayer.Repository, resolution.Sources[field]);
        Assert.Equal(SandboxPolicy.Default, resolution.Floor);
    }

    [Fact]
    public void A_mixed_file_keeps_its_tightenings_and_refuses_only_its_loosenings()
    {
        using var repo = new TempFolder();

        var resolution = Resolve(repo, "memory: 1g\nnetwork: bridge\npids: 64\n");

        Assert.Equal(["network"], resolution.Refusals.Select(r => r.Field));
        Assert.Equal(2, resolution.Refusals[0].Location!.Line);
        Assert.Equal(1L << 30, resolution.Policy.Memory);
        Assert.Equal(64, resolution.Policy.Pids);
        Assert.Equal("none", resolution.Policy.Network);
    }

    [Fact]
    public void A_committed_link_cannot_take_a_mount_out_of_the_source_from_the_repository_or_from_a_trusted_file()
    {
        using var outside = new TempFolder();
        using var repo = new TempFolder();
        var home = Directory.CreateDirectory(Path.Combine(outside.Path, "home", "dev")).FullName;
        File.CreateSymbolicLink(Path.Combine(repo.Path, "fixtures"), home);
        var callerPolicy = outside.Write("caller.yml", "mounts: [\"./fixtures:/workspace/callers-fixtures\"]\n");

        var fromRepository = Resolve(repo, "mounts: [\"fixtures:/workspace/fixtures:ro\"]\n");
        File.Delete(Path.Combine(repo.Path, "sandbox.yml"));
        var fromCaller = Resolve(repo, inputs: new TrustedPolicyInputs { PolicyFile = callerPolicy });

        var refusal = Assert.Single(fromRepository.Refusals);
        Assert.Equal(Codes.MountLeavesSource, refusal.Code);
        Assert.Contains(home, refusal.Why, StringComparison.Ordinal);
        Assert.Empty(fromRepository.Policy.Mounts);
        var trusted = Assert.Single(fromCaller.Refusals);
        Assert.Equal(Codes.MountLeavesSource, trusted.Code);
        Assert.Empty(fromCaller.Policy.Mounts);
    }

    [Fact]
    public void A_link_that_stays_inside_the_source_is_fine()
    {
        using var repo = new TempFolder();
        Directory.CreateDirectory(Path.Combine(repo.Path, "data", "fixtures"));
        File.CreateSymbolicLink(Path.Combine(repo.Path, "fixtures"), "data/fixtures");

        var resolution = Resolve(repo, "mounts: [\"fixtures:/workspace/fixtures\"]\n");

        Assert.Empty(resolution.Refusals);
        Assert.Single(resolution.Policy.Mounts);
    }

    [Fact]
    public void The_callers_policy_file_outside_the_source_sets_the_floor_the_repository_then_tightens()
    {
        using var outside = new TempFolder();
        using var repo = new TempFolder();
        var callerPolicy = outside.Write("policy.yml", "memory: 8g\nenv:\n  allow: [CI]\n");

        var tighter = Resolve(repo, "memory: 6g\n", new TrustedPolicyInputs { PolicyFile = callerPolicy });
        var looser = Resolve(repo, "memory: 16g\n", new TrustedPolicyInputs { PolicyFile = callerPolicy });

        Assert.Empty(tighter.Refusals);
        Assert.Equal(6L << 30, tighter.Policy.Memory);
        Assert.Equal(["CI"], tighter.Policy.EnvAllow);
        Assert.Equal(PolicyLayer.CallerFile, tighter.Sources["env.allow"]);
        Assert.Equal(PolicyLayer.Repository, tighter.Sources["memory"]);
        var refusal = Assert.Single(looser.Refusals);
        Assert.Equal(("8g", "16g"), (refusal.FloorValue, refusal.RepositoryValue));
        Assert.Equal(8L << 30, looser.Policy.Memory);
    }

    [Fact]
    public void A_policy_file_the_caller_names_inside_the_source_is_the_repositorys()
    {
        using var repo = new TempFolder();
        var inside = repo.Write("ci/policy.yml", "network: bridge\n");

        var resolution = Resolve(repo, inputs: new TrustedPolicyInputs { PolicyFile = inside });

        Assert.Equal(Codes.RepositoryLoosens, Assert.Single(resolution.Refusals).Code);
        Assert.Contains(resolution.Notices, n => n.Code == Codes.CallerFileInsideSource);
        Assert.Equal("none", resolution.Policy.Network);
    }

    [Fact]
    public void Flags_are_the_most_specific_trusted_layer()
    {
        using var repo = new TempFolder();

        var resolution = Resolve(repo, "memory: 6g\n", new TrustedPolicyInputs { Overrides = new PolicyOverrides { Memory = "8g" } });

        Assert.Equal(PolicyLayer.Repository, resolution.Sources["memory"]);
        Assert.Equal(8L << 30, resolution.Floor.Memory);
        Assert.Equal(6L << 30, resolution.Policy.Memory);
    }

    [Fact]
    public void The_approved_baselines_policy_is_the_floor_when_it_is_outside_the_source()
    {
        using var outside = new TempFolder();
        using var repo = new TempFolder();
        var approved = SandboxPolicy.Default with { Memory = 8L << 30 };
        var baseline = outside.Write("baseline.json", $"{{\"policy\": {PolicyCanonical.ToJson(approved)}}}");
        var inRepo = repo.Write("sandbox.baseline.json", $"{{\"policy\": {PolicyCanonical.ToJson(approved)}}}");

        var trusted = Resolve(repo, "memory: 6g\n", new TrustedPolicyInputs { BaselineFile = baseline });
        var untrusted = Resolve(repo, "memory: 6g\n", new TrustedPolicyInputs { BaselineFile = inRepo });

        Assert.Empty(trusted.Refusals);
        Assert.Equal(PolicyLayer.Baseline, trusted.Sources["network"]);
        Assert.Equal(approved, trusted.Floor);
        Assert.Equal("memory", Assert.Single(untrusted.Refusals).Field);
        Assert.Contains(untrusted.Notices, n => n.Code == Codes.CallerFileInsideSource);
    }

    [Fact]
    public void Trusting_the_repository_lets_its_loosenings_through_except_the_output_folder_and_says_so()
    {
        using var repo = new TempFolder();

        var resolution = Resolve(repo, "network: bridge\nmemory: 8g\noutput: { path: . }\n", new TrustedPolicyInputs { TrustRepositoryPolicy = true });

        Assert.Equal("bridge", resolution.Policy.Network);
        Assert.Equal(8L << 30, resolution.Policy.Memory);
        Assert.Equal(Codes.RepositoryOutputPath, Assert.Single(resolution.Refusals).Code);
        Assert.Equal("sandbox-output", resolution.Policy.OutputPath);
        Assert.Contains(resolution.Notices, n => n.Code == Codes.RepositoryPolicyTrusted);
    }

    [Fact]
    public void Trust_is_the_callers_flag_or_environment_never_a_file()
    {
        Assert.True(TrustedPolicyInputs.TrustFromEnvironment(flag: true, _ => null));
        Assert.True(TrustedPolicyInputs.TrustFromEnvironment(flag: false, n => n == TrustedPolicyInputs.TrustVariable ? "1" : null));
        Assert.False(TrustedPolicyInputs.TrustFromEnvironment(flag: false, n => n == TrustedPolicyInputs.TrustVariable ? "0" : null));
    }

    [Fact]
    public void Repository_settings_are_merged_tighten_only_like_its_sandbox_yml()
    {
        using var repo = new TempFolder();
        var settings = new TrustedPolicyInputs { RepositorySettings = ["memory=2g", "network=bridge", "env.set.MY.NAME=x y", "tmpfs./tmp=128m", "cap_drop=[ALL, NET_RAW]"] };

        var resolution = Resolve(repo, "pids: 100\n", settings);

        var refusal = Assert.Single(resolution.Refusals);
        Assert.Equal(("network", RepositorySettings.OriginName), (refusal.Field, refusal.Location?.File));
        Assert.Equal(2L << 30, resolution.Policy.Memory);
        Assert.Equal(100, resolution.Policy.Pids);
        Assert.Equal("x y", resolution.Policy.EnvSet["MY.NAME"]);
        Assert.Equal(128L << 20, resolution.Policy.Tmpfs["/tmp"]);
    }

    [Theory]
    [InlineData("no-equals-sign")]
    [InlineData("memory=")]
    [InlineData("network={a: b}")]
    [InlineData("memroy=2g")]
    public void A_malformed_repository_setting_is_a_policy_error(string setting)
    {
        using var repo = new TempFolder();

        var error = Assert.Throws<SandboxException>(() => Resolve(repo, inputs: new TrustedPolicyInputs { RepositorySettings = [setting] }));

        Assert.Equal(Codes.PolicyInvalid, error.Code);
    }

    [Fact]
    public void A_default_include_for_the_command_narrows_the_floor_and_the_repository_cannot_widen_it()
    {
        using var repo = new TempFolder();
        var inputs = new TrustedPolicyInputs { DefaultArtifactInclude = ["**/*.trx"] };

        var resolution = Resolve(repo, "artifacts: { include: [\"**/*.trx\", \"secrets/*\"] }\n", inputs);

        Assert.Equal(["**/*.trx"], resolution.Policy.Artifacts.Include);
        Assert.Equal("artifacts.include", Assert.Single(resolution.Refusals).Field);
    }
}
