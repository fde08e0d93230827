using System.Formats.Tar;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Policy;

namespace SandboxBuild.Tests;

/// <summary>The pure parts of shared state: what the probe volume must hold, and a baseline read back as a floor.</summary>
public class SharedStateRulesTests
{
    private static (string[] Files, List<ContainerFile> Entries) ProbeFolder(TempFolder folder)
    {
        var files = new[] { folder.Write("probe.dll", "probe bytes"), folder.Write("probe.runtimeconfig.json", "{}") };
        var entries = new List<ContainerFile>
        {
            new("probe", TarEntryType.Directory, []),
            new("probe/probe.dll", TarEntryType.RegularFile, "probe bytes"u8.ToArray()),
            new("probe/probe.runtimeconfig.json", TarEntryType.RegularFile, "{}"u8.ToArray()),
        };
        return (files, entries);
    }

    [Fact]
    public void The_probe_volume_must_hold_exactly_the_probes_files()
    {
        using var folder = new TempFolder();
        var (files, entries) = ProbeFolder(folder);

        Assert.Null(ProbeVolume.Mismatch(entries, files));
        Assert.Contains("answers.json", ProbeVolume.Mismatch([.. entries, new("probe/answers.json", TarEntryType.RegularFile, [])], files));
        Assert.Contains("differs", ProbeVolume.Mismatch([entries[0], new("probe/probe.dll", TarEntryType.RegularFile, "patched"u8.ToArray()), entries[2]], files));
        Assert.Contains("missing", ProbeVolume.Mismatch([entries[0], entries[1]], files));
        Assert.Contains("SymbolicLink", ProbeVolume.Mismatch([entries[0], new("probe/probe.dll", TarEntryType.SymbolicLink, []), entries[2]], files));
        Assert.Contains("Directory", ProbeVolume.Mismatch([.. entries, new("probe/sub", TarEntryType.Directory, [])], files));
    }

    [Fact]
    public void A_baseline_reads_back_as_the_policy_it_recorded()
    {
        var approved = SandboxPolicy.Default with
        {
            Memory = 8L << 30,
            Mounts = [new MountSpec("./docs", "/workspace/docs", true)],
            EnvAllow = ["CI"],
            SeccompSha256 = new string('a', 64),
            Seccomp = "/etc/sandbox/profile.json",
        };

        var read = CanonicalPolicyReader.Read(PolicyCanonical.ToNode(approved), "baseline.json");

        Assert.Equal(approved, read);
        Assert.Null(read.MemorySwap); // "no swap beyond memory" stays that, not a fixed number
    }

    [Fact]
    public void A_baseline_missing_a_setting_is_refused_not_filled_in()
    {
        var node = PolicyCanonical.ToNode(SandboxPolicy.Default);
        node.Remove("network");

        var error = Assert.Throws<SandboxException>(() => CanonicalPolicyReader.Read(node, "baseline.json"));

        Assert.Equal(Codes.BaselineInvalid, error.Code);
    }
}
