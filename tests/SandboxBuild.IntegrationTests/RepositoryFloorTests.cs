namespace SandboxBuild.IntegrationTests;

/// <summary>
/// A hostile repository, built for real (its sandbox.yml, committed links, planted files), against the real
/// CLI: every loosening is refused with its code before anything starts, the working copy stays intact, and
/// the hardened default (and a repository that only tightens) still runs.
/// </summary>
public sealed class RepositoryFloorTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    /// <summary>A working copy: a .git folder and an uncommitted file, which no run may touch.</summary>
    private static TempFolder WorkingCopy()
    {
        var repo = new TempFolder("sandboxbuild-repo-");
        repo.Write(".git/HEAD", "ref: refs/heads/main\n");
        repo.Write("uncommitted.cs", "// work in progress\n");
        return repo;
    }

    private static void AssertIntact(TempFolder repo)
    {
        Assert.Equal("ref: refs/heads/main\n", File.ReadAllText(Path.Combine(repo.Path, ".git", "HEAD")));
        Assert.Equal("// work in progress\n", File.ReadAllText(Path.Combine(repo.Path, "uncommitted.cs")));
    }

    public static TheoryData<string, string> HostilePolicies => new()
    {
        { "user: \"00:00\"\n", "SBX2501" },
        { "user: \"+0\"\n", "SBX2501" },
        { "source: { target: /usr/share/dotnet }\nseccomp: ./permissive.json\n", "SBX2501" },
        { "env:\n  allow: [NUGET_PAT, DEPLOY_KEY, DATABASE_URL]\n", "SBX2501" },
        { "artifacts: { secrets: warn }\n", "SBX2501" },
        { "output: { path: . }\n", "SBX2503" },
        { "image: sandboxbuild-it/anything:1\n", "SBX2502" },
        { "tmpfs: { /tmp: 1g, /home/sandbox: 256m, /usr/share/dotnet: 64m }\n", "SBX2501" },
    };

    [Theory]
    [MemberData(nameof(HostilePolicies))]
    public async Task A_loosening_sandbox_yml_is_refused_before_anything_starts_and_the_working_copy_is_intact(string yaml, string code)
    {
        using var repo = WorkingCopy();
        repo.Write("sandbox.yml", yaml);
        repo.Write("permissive.json", "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");

        var result = await Cli.RunAsync(["run", "-C", repo.Path, "--", "/bin/sh", "-c", "id > /workspace/output/id.txt"],
            new Dictionary<string, string?> { ["NUGET_PAT"] = "pat-value-that-must-not-cross", ["SANDBOXBUILD_TRUST_REPOSITORY_POLICY"] = null });

        Assert.Equal(121, result.ExitCode);
        Assert.Matches($@"{Path.Combine(repo.Path, "sandbox.yml")}:\d+: error {code}", result.StdErr);
        Assert.DoesNotContain("Security gate PASSED", result.All, StringComparison.Ordinal);
        Assert.Contains("Nothing was started", result.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(repo.Path, "sandbox-output", "artifacts", "id.txt")));
        AssertIntact(repo);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, repo.Path));
    }

    [Fact]
    public async Task A_tightening_sandbox_yml_takes_effect_and_the_run_passes()
    {
        using var repo = WorkingCopy();
        repo.Write("sandbox.yml", "pids: 200\nmemory: 1g\n");

        var result = await Cli.RunAsync(["run", "-C", repo.Path, "--", "/bin/sh", "-c",
            "(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max) > /workspace/output/pids.txt; id -u > /workspace/output/uid.txt"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("Security gate PASSED", result.StdOut, StringComparison.Ordinal);
        Assert.Equal("200", File.ReadAllText(Path.Combine(repo.Path, "sandbox-output", "artifacts", "pids.txt")).Trim());
        Assert.Equal("1000", File.ReadAllText(Path.Combine(repo.Path, "sandbox-output", "artifacts", "uid.txt")).Trim());
        AssertIntact(repo);
    }

    [Fact]
    public async Task Trusting_the_repository_is_the_callers_explicit_choice_and_every_run_says_so()
    {
        using var repo = WorkingCopy();
        repo.Write("sandbox.yml", "memory: 6g\n");

        var held = await Cli.RunAsync(["run", "-C", repo.Path, "--", "/bin/true"]);
        var trusted = await Cli.RunAsync(["run", "-C", repo.Path, "--", "/bin/true"], new Dictionary<string, string?> { ["SANDBOXBUILD_TRUST_REPOSITORY_POLICY"] = "1" });
        var flagged = await Cli.RunAsync(["run", "-C", repo.Path, "--trust-repository-policy", "--", "/bin/true"]);

        Assert.Equal(121, held.ExitCode);
        Assert.Contains("error SBX2501", held.StdErr, StringComparison.Ordinal);
        Assert.True(trusted.ExitCode == 0, trusted.All);
        Assert.Contains("warning SBX2505", trusted.StdErr, StringComparison.Ordinal);
        Assert.True(flagged.ExitCode == 0, flagged.All);
        Assert.Contains("warning SBX2505", flagged.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_committed_link_to_a_home_folder_is_never_mounted_whoever_names_the_mount()
    {
        using var home = new TempFolder("sandboxbuild-home-");
        home.Write(".config/gh/hosts.yml", "github.com:\n  oauth_token: ghp_FakeFakeFakeFakeFakeFakeFakeFake0000\n");
        using var caller = new TempFolder();
        using var repo = WorkingCopy();
        File.CreateSymbolicLink(Path.Combine(repo.Path, "fixtures"), home.Path);
        repo.Write("sandbox.yml", "mounts: [\"fixtures:/workspace/fixtures:ro\"]\n");
        var read = new[] { "--", "/bin/sh", "-c", "cat /workspace/fixtures/.config/gh/hosts.yml > /workspace/output/stolen.txt" };

        var fromRepository = await Cli.RunAsync(["run", "-C", repo.Path, .. read]);
        File.Delete(Path.Combine(repo.Path, "sandbox.yml"));
        var fromCaller = await Cli.RunAsync(["run", "-C", repo.Path, "--policy", caller.Write("policy.yml", "mounts: [\"./fixtures:/workspace/fixtures\"]\n"), .. read]);

        foreach (var result in new[] { fromRepository, fromCaller })
        {
            Assert.Equal(121, result.ExitCode);
            Assert.Contains("error SBX2504", result.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("ghp_", result.All, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Path.Combine(repo.Path, "sandbox-output", "artifacts", "stolen.txt")));
        AssertIntact(repo);
    }

    [Fact]
    public async Task A_planted_output_folder_is_never_emptied_and_the_source_is_never_the_output()
    {
        using var repo = WorkingCopy();
        repo.Write("sandbox-output/manifest.json", $"{{\"schema\":\"{SandboxBuild.Artifacts.Manifest.Schema}\"}}");
        repo.Write("sandbox-output/keep.txt", "the user's file");

        var planted = await Cli.RunAsync(["run", "-C", repo.Path, "--", "/bin/true"]);
        var source = await Cli.RunAsync(["run", "-C", repo.Path, "-o", repo.Path, "--", "/bin/true"]);
        var parent = await Cli.RunAsync(["run", "-C", repo.Path, "-o", Path.GetDirectoryName(repo.Path)!, "--", "/bin/true"]);

        Assert.Equal(125, planted.ExitCode);
        Assert.Contains("error SBX3008", planted.StdErr, StringComparison.Ordinal);
        Assert.Equal(125, source.ExitCode);
        Assert.Contains("error SBX3301", source.StdErr, StringComparison.Ordinal);
        Assert.Equal(125, parent.ExitCode);
        Assert.Contains("error SBX3301", parent.StdErr, StringComparison.Ordinal);
        Assert.Equal("the user's file", File.ReadAllText(Path.Combine(repo.Path, "sandbox-output", "keep.txt")));
        AssertIntact(repo);
    }

    [Fact]
    public async Task A_custom_seccomp_profile_runs_only_when_the_caller_pinned_its_hash()
    {
        using var caller = new TempFolder();
        using var repo = WorkingCopy();
        var profile = caller.Write("seccomp.json", File.ReadAllText(Path.Combine(Repository.Root, "tests", "SandboxBuild.IntegrationTests", "seccomp-profile.json")));
        var pin = SandboxBuild.Policy.SeccompProfile.Sha256OfFile(profile);

        var unpinned = await Cli.RunAsync(["run", "-C", repo.Path, "--policy", caller.Write("unpinned.yml", $"seccomp: {profile}\n"), "--", "/bin/true"]);
        var wrong = await Cli.RunAsync(["run", "-C", repo.Path, "--policy", caller.Write("wrong.yml", $"seccomp: {profile}\nseccomp_sha256: {new string('a', 64)}\n"), "--", "/bin/true"]);
        var pinned = await Cli.RunAsync(["run", "-C", repo.Path, "--policy", caller.Write("pinned.yml", $"seccomp: {profile}\nseccomp_sha256: {pin}\n"), "--", "/bin/true"]);

        Assert.Equal(121, unpinned.ExitCode);
        Assert.Contains("error SBX2027", unpinned.StdErr, StringComparison.Ordinal);
        Assert.Equal(121, wrong.ExitCode);
        Assert.Contains("error SBX2027", wrong.StdErr, StringComparison.Ordinal);
        Assert.True(pinned.ExitCode == 0, pinned.All);
        Assert.Contains("Security gate PASSED", pinned.StdOut, StringComparison.Ordinal);
    }
}
