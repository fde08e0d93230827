using System.Diagnostics;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using SandboxBuild.Engine;
using SandboxBuild.Validation;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// `validate --container` on sandboxes SandboxBuild did not start: the pattern's compose file brought up for real
/// by docker-compose with hardened settings and its own layout (source at /code, output at /results, user 2000,
/// no probe volume) passes the same checks as our own sandbox, probes included; each weakening of a container
/// laid out that way fails with its code.
/// </summary>
public sealed class ForeignContainerTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string TestLabel = "dev.sandboxbuild.test";

    public sealed class Project : IDisposable
    {
        public Project()
        {
            Root = new TempFolder("sandboxbuild-it-pattern-");
            Root.Write("src/Program.cs", "// the code the AI tool works on");
            Directory.CreateDirectory(Generated);
            // The pattern's user owns its output folder; another user than ours, on purpose.
            File.SetUnixFileMode(Source, (UnixFileMode)0b111_101_101);
            Process.Start("chown", ["2000:2000", Generated])!.WaitForExit();
        }

        internal TempFolder Root { get; }

        public string Source => Path.Combine(Root.Path, "src");

        public string Generated => Path.Combine(Root.Path, "generated");

        public void Dispose() => Root.Dispose();
    }

    [Fact]
    public async Task The_patterns_compose_file_hardened_passes_the_same_checks_as_our_sandbox()
    {
        using var project = new Project();
        var name = $"sbx-pattern-{Guid.NewGuid():N}"[..24];
        // The article's docker-compose.ai-sandbox.yml (service ai-development: network_mode none, user, no-new-privileges,
        // cap_drop ALL, ./src read-only, ./generated writable), hardened where the gate asks more (read-only root,
        // sized tmpfs, pids and swap limits), in compose format 2.4 where those limits are plain keys.
        project.Root.Write("docker-compose.ai-sandbox.yml", $"""
            version: "2.4"
            services:
              ai-development:
                image: {fixture.Image.Reference}
                container_name: {name}
                command: ["sleep", "600"]
                network_mode: none
                user: "2000:2000"
                read_only: true
                tmpfs: ["/tmp:size=64m"]
                security_opt: ["no-new-privileges:true"]
                cap_drop: [ALL]
                cpus: 2.0
                mem_limit: 4g
                memswap_limit: 4g
                pids_limit: 256
                volumes:
                  - ./src:/code:ro
                  - ./generated:/results:rw
                labels:
                  {TestLabel}: inert
            """);
        var compose = Path.Combine(project.Root.Path, "docker-compose.ai-sandbox.yml");
        try
        {
            var up = await RunAsync("docker-compose", ["-f", compose, "-p", name, "up", "-d"]);
            Assert.True(up.ExitCode == 0, up.Output);

            var theirs = await Cli.RunAsync(["validate", "--container", name, "-C", project.Source, "--json", Path.Combine(project.Root.Path, "theirs.json")]);
            using var ours = new TempFolder();
            var mine = await Cli.RunAsync(["validate", "-C", ours.Path, "--json", Path.Combine(ours.Path, "ours.json")]);

            // docker-compose v1 has no key for the cgroup namespace, and a cgroup v1 engine defaults to the host's: a true
            // finding the compose file cannot fix (docker run --cgroupns private can). Nothing else fails.
            var cgroupV1 = (await fixture.Engine.Client.System.GetSystemInfoAsync()).CgroupVersion == "1";
            Assert.Equal(cgroupV1 ? ["SBX2011"] : [], Failed(Path.Combine(project.Root.Path, "theirs.json")));
            Assert.True(theirs.ExitCode == (cgroupV1 ? 121 : 0), theirs.All);
            Assert.True(mine.ExitCode == 0, mine.All);
            // The same checks from the container, the engine and the probe. Only the host-side credential search moves:
            // for our sandbox it runs on the policy before the container exists, for theirs on what inspect mounts; and
            // only ours has our probe volume to verify (theirs gets a freshly placed probe).
            var theirChecks = Checks(Path.Combine(project.Root.Path, "theirs.json"));
            var ourChecks = Checks(Path.Combine(ours.Path, "ours.json"));
            Assert.Contains(("SBX2050", "container"), theirChecks);
            Assert.Contains(("SBX1106", "probe"), ourChecks);
            theirChecks.RemoveWhere(c => c.Code is "SBX2050" or "SBX2051");
            ourChecks.Remove(("SBX1106", "probe"));
            Assert.True(ourChecks.SetEquals(theirChecks),
                $"only ours: {string.Join(", ", ourChecks.Except(theirChecks))}; only theirs: {string.Join(", ", theirChecks.Except(ourChecks))}");
            Assert.Contains(("SBX2103", "probe"), theirChecks);
            Assert.Contains(("SBX2112", "probe"), theirChecks); // the output, found from inspect, written from inside
            Assert.Contains(("SBX1403", "probe"), theirChecks); // nothing writable below their read-only ./src
        }
        finally
        {
            await RunAsync("docker-compose", ["-f", compose, "-p", name, "down", "-t", "0"]);
        }
    }

    public static TheoryData<string, Action<CreateContainerParameters, Project>, string[]> Weakenings => new()
    {
        { "hardened, laid out differently", (_, _) => { }, [] },
        { "bridge network", (p, _) => p.HostConfig.NetworkMode = "bridge", ["SBX2001", "SBX2101", "SBX2103"] },
        { "privileged", (p, _) => p.HostConfig.Privileged = true, ["SBX2002", "SBX2106"] },
        { "cap_add SYS_ADMIN", (p, _) => p.HostConfig.CapAdd = ["SYS_ADMIN"], ["SBX2003", "SBX2106"] },
        { "no-new-privileges missing", (p, _) => p.HostConfig.SecurityOpt = [], ["SBX2005", "SBX2107"] },
        { "seccomp unconfined", (p, _) => p.HostConfig.SecurityOpt = ["no-new-privileges:true", "seccomp=unconfined"], ["SBX2006", "SBX2108"] },
        { "writable root filesystem", (p, _) => p.HostConfig.ReadonlyRootfs = false, ["SBX2009", "SBX2116"] },
        { "root user", (p, _) => p.User = "0:0", ["SBX2010", "SBX2105"] },
        { "host pid namespace", (p, _) => p.HostConfig.PidMode = "host", ["SBX2011"] },
        { "no memory limit", (p, _) => { p.HostConfig.Memory = 0; p.HostConfig.MemorySwap = 0; }, ["SBX2013"] },
        { "no pids limit", (p, _) => p.HostConfig.PidsLimit = null, ["SBX2015"] },
        { "docker.sock mounted", (p, _) => p.HostConfig.Mounts.Add(SandboxSpec.Bind("/var/run/docker.sock", "/var/run/docker.sock", true)), ["SBX2016"] },
        { "home mounted", (p, _) => p.HostConfig.Mounts.Add(SandboxSpec.Bind(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "/host-home", true)), ["SBX2017"] },
        { "source writable", (p, _) => p.HostConfig.Mounts[0].ReadOnly = false, ["SBX2018", "SBX2111"] },
        { "a second writable folder", (p, pr) => p.HostConfig.Mounts.Add(SandboxSpec.Bind(pr.Root.Write("cache/x", "x")[..^2], "/cache", false)), ["SBX2018"] },
        { "a writable folder below the read-only source", (p, pr) => p.HostConfig.Mounts.Add(SandboxSpec.Bind(WritableBelowSource(pr), "/code/cache", false)), ["SBX2018", "SBX1403"] },
        { "a folder holding .aws", (p, pr) => p.HostConfig.Mounts.Add(SandboxSpec.Bind(Path.GetDirectoryName(Path.GetDirectoryName(pr.Root.Write("backup/.aws/credentials", "[default]")))!, "/backup", true)), ["SBX2050", "SBX2118"] },
        { "a secret in the environment", (p, _) => p.Env.Add("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), ["SBX2020", "SBX2115"] },
    };

    private static string WritableBelowSource(Project project)
    {
        Directory.CreateDirectory(Path.Combine(project.Source, "cache")); // the mount point, made before the source is mounted read-only
        return project.Root.Write("cache/x", "x")[..^2];
    }

    [Theory]
    [MemberData(nameof(Weakenings))]
    public async Task A_sandbox_started_elsewhere_is_judged_by_its_own_layout(string weakening, Action<CreateContainerParameters, Project> weaken, string[] codes)
    {
        using var project = new Project();
        var parameters = new CreateContainerParameters
        {
            Image = fixture.Image.Reference,
            User = "2000:2000",
            Cmd = ["sleep", "600"],
            Env = [],
            Labels = new Dictionary<string, string> { [TestLabel] = "inert" },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                ReadonlyRootfs = true,
                Tmpfs = new Dictionary<string, string> { ["/tmp"] = "size=64m" },
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges:true"],
                Memory = 1L << 30,
                MemorySwap = 1L << 30,
                NanoCPUs = 1_000_000_000,
                PidsLimit = 256,
                CgroupnsMode = "private",
                Mounts = [SandboxSpec.Bind(project.Source, "/code", true), SandboxSpec.Bind(project.Generated, "/results", false)],
            },
        };
        weaken(parameters, project);
        ChmodTree(project.Root.Path);
        var created = await fixture.Engine.Client.Containers.CreateContainerAsync(parameters);
        try
        {
            await fixture.Engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());

            var report = await ContainerGate.JudgeAsync(fixture.Engine, created.ID, fixture.Policy, HostContext.Current(project.Source), null, CancellationToken.None);

            var failed = report.Failures.Select(f => f.Code.Id).ToHashSet();
            Assert.NotNull(report.Probe);
            if (codes.Length == 0)
            {
                Assert.True(report.Passed, $"{weakening}: {string.Join("; ", report.Failures.Select(f => $"{f.Code.Id} {f.Describe()}"))}");
            }

            Assert.All(codes, code => Assert.True(failed.Contains(code), $"{weakening}: expected {code} among {string.Join(", ", failed.Order())}"));
        }
        finally
        {
            await fixture.Engine.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    [Fact]
    public async Task A_container_without_a_writable_memory_folder_fails_closed_with_its_code()
    {
        var created = await fixture.Engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = fixture.Image.Reference,
            User = "2000:2000",
            Cmd = ["sleep", "600"],
            Labels = new Dictionary<string, string> { [TestLabel] = "inert" },
            HostConfig = new HostConfig { NetworkMode = "none", ReadonlyRootfs = true, IpcMode = "none", CapDrop = ["ALL"], SecurityOpt = ["no-new-privileges:true"] },
        });
        try
        {
            await fixture.Engine.Client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());

            var report = await ContainerGate.JudgeAsync(fixture.Engine, created.ID, fixture.Policy, HostContext.Current(null), null, CancellationToken.None);

            Assert.Contains(report.Failures, f => f.Code.Id == "SBX2119");
        }
        finally
        {
            await fixture.Engine.Client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    private static string[] Failed(string json) =>
        JsonNode.Parse(File.ReadAllText(json))!["findings"]!.AsArray()
            .Where(f => f!["status"]!.GetValue<string>() == "fail").Select(f => f!["code"]!.GetValue<string>()).Distinct().Order().ToArray();

    private static HashSet<(string Code, string Source)> Checks(string json) =>
        JsonNode.Parse(File.ReadAllText(json))!["findings"]!.AsArray()
            .Select(f => (f!["code"]!.GetValue<string>(), f["source"]!.GetValue<string>()))
            .Where(c => c.Item2 is "container" or "probe" or "engine")
            .ToHashSet();

    private static void ChmodTree(string root)
    {
        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Append(root))
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | (UnixFileMode)0b000_101_101);
        }

        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, File.GetUnixFileMode(file) | (UnixFileMode)0b000_100_100);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
