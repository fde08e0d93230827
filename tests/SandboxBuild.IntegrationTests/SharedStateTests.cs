using System.Formats.Tar;
using Docker.DotNet.Models;
using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// State other runs share cannot be changed by one repository: the baked image is the one bake recorded
/// (never a derived image carrying its label), the probe volume holds only the probe's files (and a tampered
/// one fails the gate), and users are judged by the image's own accounts.
/// </summary>
public sealed class SharedStateTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task The_fallback_is_the_recorded_baked_image_never_a_newer_one_with_its_label()
    {
        // Tagged and labelled like the baked image, and the newest such image: what a label lookup would take.
        await using var derived = await DerivedImage.CreateAsync(fixture.Engine, fixture.Image.Id, new Dictionary<string, string> { ["/derived-marker"] = "planted" },
            "sandboxbuild-it/derived", keepBakedLabel: true);
        using var source = new TempFolder();

        var found = await ImageResolver.FindBakedAsync(fixture.Engine, CancellationToken.None);
        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/sh", "-c", "test ! -e /derived-marker"]);

        Assert.Equal(fixture.Image.Id, found?.Id);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains($"warning SBX1101", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(fixture.Image.Id, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(derived.Id, result.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bake_never_takes_an_unrecorded_image_under_its_tag_and_adopts_one_only_when_told()
    {
        await using var impostor = await DerivedImage.CreateAsync(fixture.Engine, fixture.Image.Id, new Dictionary<string, string> { ["/impostor"] = "x" }, "sandboxbuild-it/bake");
        using var state = new TempFolder();
        var environment = new Dictionary<string, string?> { ["SANDBOXBUILD_STATE_DIR"] = state.Path };

        var refused = await Cli.RunAsync(["bake", "--tag", impostor.Tag!, "--if-missing"], environment);
        var adopted = await Cli.RunAsync(["bake", "--tag", impostor.Tag!, "--adopt"], environment);
        var again = await Cli.RunAsync(["bake", "--tag", impostor.Tag!, "--if-missing"], environment);

        Assert.Equal(125, refused.ExitCode);
        Assert.Contains("error SBX1104", refused.StdErr, StringComparison.Ordinal);
        Assert.True(adopted.ExitCode == 0, adopted.All);
        Assert.True(again.ExitCode == 0, again.All);
        var record = Path.Combine(state.Path, BakedImageRecord.FileName);
        Assert.Contains(impostor.Id, File.ReadAllText(record), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(record));
    }

    [Fact]
    public async Task A_new_probe_volume_takes_nothing_from_the_image_it_is_filled_through()
    {
        await using var hostile = await DerivedImage.CreateAsync(fixture.Engine, fixture.Image.Id, new Dictionary<string, string>
        {
            ["/probe/evil.sh"] = "#!/bin/sh\necho pwned\n",
            [$"/probe/{ProbeVolume.FileName}"] = "not the probe",
        });
        using var files = new TempFolder();
        foreach (var file in Directory.GetFiles(ProbeVolume.LocateFiles()))
        {
            File.Copy(file, Path.Combine(files.Path, Path.GetFileName(file)));
        }

        files.Write("nonce.txt", Guid.NewGuid().ToString()); // a content hash of its own: a volume of its own
        var volume = await ProbeVolume.EnsureAsync(fixture.Engine, hostile.Id, files.Path, CancellationToken.None);
        try
        {
            await using var reader = await ContainerFiles.CreateOffAsync(fixture.Engine, fixture.Image.Id,
                [new Mount { Type = "volume", Source = volume, Target = "/v", ReadOnly = true, VolumeOptions = new VolumeOptions { NoCopy = true } }], CancellationToken.None);
            var entries = await ContainerFiles.ReadAsync(fixture.Engine, reader.Id, "/v", CancellationToken.None);

            Assert.Null(ProbeVolume.Mismatch(entries, Directory.GetFiles(files.Path)));
        }
        finally
        {
            await fixture.Engine.Client.Volumes.RemoveAsync(volume, force: true);
        }
    }

    [Fact]
    public async Task A_tampered_probe_volume_fails_the_gate_before_the_probe_runs_and_an_exact_copy_passes()
    {
        var probeFiles = Directory.GetFiles(ProbeVolume.LocateFiles()).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var exact = await VolumeAsync(probeFiles);
        var tampered = await VolumeAsync(new Dictionary<string, byte[]>(probeFiles) { ["answers.json"] = "{\"uid\":1000}"u8.ToArray() });
        try
        {
            var passing = await ValidateWithProbeVolumeAsync(exact);
            var failing = await ValidateWithProbeVolumeAsync(tampered);

            Assert.True(passing.Passed, string.Join("; ", passing.Failures.Select(f => $"{f.Code.Id} {f.Describe()}")));
            Assert.Contains(passing.Findings, f => f.Code.Id == "SBX1106" && f.Status == CheckStatus.Pass);
            Assert.Contains(failing.Failures, f => f.Code.Id == "SBX1106" && f.Seen.Contains("answers.json", StringComparison.Ordinal));
            Assert.Null(failing.Probe);
        }
        finally
        {
            await fixture.Engine.Client.Volumes.RemoveAsync(exact, force: true);
            await fixture.Engine.Client.Volumes.RemoveAsync(tampered, force: true);
        }
    }

    [Fact]
    public async Task A_user_name_is_judged_by_the_images_own_passwd()
    {
        await using var image = await DerivedImage.CreateAsync(fixture.Engine, fixture.Image.Id, new Dictionary<string, string>
        {
            ["/etc/passwd"] = "root:x:0:0:root:/root:/bin/sh\nbuilder:x:0:0:looks harmless:/home/sandbox:/bin/sh\nsandbox:x:1000:1000::/home/sandbox:/bin/sh\n",
        });
        using var source = new TempFolder();

        var accounts = await ImageAccounts.TryReadAsync(fixture.Engine, fixture.Image.Id, CancellationToken.None);
        var report = await Proving.ValidateAsync(fixture, source.Path, p => p.User = "builder", image: image.Id);

        Assert.Equal(1000, UserSpec.Parse("sandbox").Resolve(accounts).Uid);
        Assert.Contains(report.Failures, f => f.Code.Id == "SBX2010" && f.Source == FactSource.Container && f.Seen.Contains("uid 0", StringComparison.Ordinal));
        Assert.Contains(report.Failures, f => f.Code.Id == "SBX2105");
    }

    [Fact]
    public async Task A_run_whose_probe_volume_was_tampered_with_is_refused_through_the_cli()
    {
        // A probe folder of this test's own (one extra file gives it its own content hash, so its own volume):
        // the shared volume other runs use is never touched.
        using var probe = new TempFolder();
        foreach (var file in Directory.GetFiles(ProbeVolume.LocateFiles()))
        {
            File.Copy(file, Path.Combine(probe.Path, Path.GetFileName(file)));
        }

        probe.Write("nonce.txt", Guid.NewGuid().ToString());
        var volume = await ProbeVolume.EnsureAsync(fixture.Engine, fixture.Image.Id, probe.Path, CancellationToken.None);
        using var repo = new TempFolder();
        repo.Write(".git/HEAD", "ref: refs/heads/main\n");
        repo.Write("uncommitted.cs", "// work in progress\n");
        var environment = new Dictionary<string, string?> { ["SANDBOXBUILD_PROBE_DIR"] = probe.Path };
        try
        {
            var clean = await Cli.RunAsync(["run", "-C", repo.Path, "--", "/bin/true"], environment);
            await using (var writer = await ContainerFiles.CreateOffAsync(fixture.Engine, fixture.Image.Id,
                [new Mount { Type = "volume", Source = volume, Target = "/probe", VolumeOptions = new VolumeOptions { NoCopy = true } }], CancellationToken.None))
            {
                using var answers = DerivedImage.Tar(new Dictionary<string, string> { ["answers.json"] = "{\"uid\":1000}" });
                await fixture.Engine.Client.Containers.ExtractArchiveToContainerAsync(writer.Id, new CopyToContainerParameters { Path = "/probe" }, answers);
            }

            var tampered = await Cli.RunAsync(["run", "-C", repo.Path, "--", "/bin/true"], environment);

            Assert.True(clean.ExitCode == 0, clean.All);
            Assert.Equal(121, tampered.ExitCode);
            Assert.Contains("error SBX1106", tampered.StdErr, StringComparison.Ordinal);
            Assert.Contains("answers.json", tampered.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("Security gate PASSED", tampered.All, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(repo.Path, ".git", "HEAD")));
            Assert.True(File.Exists(Path.Combine(repo.Path, "uncommitted.cs")));
            Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, repo.Path));
        }
        finally
        {
            await fixture.Engine.Client.Volumes.RemoveAsync(volume, force: true);
        }
    }

    [Fact]
    public async Task Validate_container_judges_a_user_name_by_the_images_passwd()
    {
        await using var image = await DerivedImage.CreateAsync(fixture.Engine, fixture.Image.Id, new Dictionary<string, string>
        {
            ["/etc/passwd"] = "root:x:0:0:root:/root:/bin/sh\nbuilder:x:0:0:looks harmless:/home/sandbox:/bin/sh\nsandbox:x:1000:1000::/home/sandbox:/bin/sh\n",
        });
        var container = await fixture.Engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image.Id,
            User = "builder",
            Entrypoint = ["/bin/sleep", "120"],
            Labels = new Dictionary<string, string> { [SandboxLabels.Managed] = "true", [SandboxLabels.Kind] = "test-foreign" },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                CapDrop = ["ALL"],
                SecurityOpt = ["no-new-privileges:true"],
                ReadonlyRootfs = true,
                Memory = 1L << 30,
                NanoCPUs = 1_000_000_000,
                PidsLimit = 256,
                Mounts = [new Mount { Type = "volume", Source = fixture.ProbeVolume, Target = SandboxLayout.ProbeMount, ReadOnly = true, VolumeOptions = new VolumeOptions { NoCopy = true } }],
            },
        });
        try
        {
            await fixture.Engine.Client.Containers.StartContainerAsync(container.ID, new ContainerStartParameters());
            using var source = new TempFolder();

            var result = await Cli.RunAsync(["validate", "-C", source.Path, "--container", container.ID]);

            Assert.Equal(121, result.ExitCode);
            Assert.Matches(@"(?m)^FAIL\s+SBX2010\s+container\s+user\s+builder \(uid 0", result.StdOut);
            Assert.Matches(@"(?m)^FAIL\s+SBX2105\s+probe", result.StdOut);
        }
        finally
        {
            await fixture.Engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    private async Task<ValidationReport> ValidateWithProbeVolumeAsync(string volume)
    {
        using var source = new TempFolder();
        return await Proving.ValidateAsync(fixture, source.Path, p => p.HostConfig.Mounts!.Single(m => m.Target == SandboxLayout.ProbeMount).Source = volume);
    }

    /// <summary>A probe-named volume with exactly these files, filled through a container that never runs.</summary>
    private async Task<string> VolumeAsync(IReadOnlyDictionary<string, byte[]> files)
    {
        var name = $"sandboxbuild-probe-it-{Guid.NewGuid():N}";
        await fixture.Engine.Client.Volumes.CreateAsync(new VolumesCreateParameters { Name = name, Labels = new Dictionary<string, string> { [SandboxLabels.Managed] = "true" } });
        await using var writer = await ContainerFiles.CreateOffAsync(fixture.Engine, fixture.Image.Id,
            [new Mount { Type = "volume", Source = name, Target = "/probe", VolumeOptions = new VolumeOptions { NoCopy = true } }], CancellationToken.None);
        using var archive = new MemoryStream();
        using (var tar = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (file, content) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, file) { Mode = (UnixFileMode)0b110_100_100, DataStream = new MemoryStream(content) });
            }
        }

        archive.Position = 0;
        await fixture.Engine.Client.Containers.ExtractArchiveToContainerAsync(writer.Id, new CopyToContainerParameters { Path = "/probe" }, archive);
        return name;
    }
}
