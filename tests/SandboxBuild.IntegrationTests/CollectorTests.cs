using System.Text.Json.Nodes;
using SandboxBuild.Probing;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Code inside a real sandbox plants everything an attacker would in the output folder; the collector refuses
/// it, publishes the rest, and none of the refused content reaches the publish folder or the logs.
/// </summary>
public sealed class CollectorTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const string FakeAwsKey = "AKIAQWERTYUIOPASDFGH";

    // {HOST_FILE} is the host path of a file outside the output: a collector that followed links would read it.
    private static readonly string Attack = string.Join("\n",
        "set -e",
        "cd /workspace/output",
        "mkdir -p TestResults flood",
        "echo '<TestRun><ResultSummary outcome=\"Completed\"/></TestRun>' > TestResults/ok.trx",
        "ln -s /etc/passwd passwd-link",
        "ln -s {HOST_FILE} host-file-link",
        "ln -s /etc etc-dir-link",
        "echo shared > original.txt && ln original.txt hardlink.txt",
        "mkfifo pipe",
        "truncate -s 10G sparse-10g.bin",
        "(cd flood && seq 1 100000 | sed 's/^/f/' | xargs touch)",
        "touch \"$(printf 'evil\\n::add-mask::x')\" \"$(printf 'ansi\\033[31mred')\" '..\\..\\escape.txt' \"$(printf 'bad\\377utf8')\"",
        // Assembled inside, so the key never appears in the command line this test logs.
        $"echo \"aws_access_key_id = {FakeAwsKey[..4]}$(echo {FakeAwsKey[4..]})\" > credentials.ini",
        "printf -- '-----BEGIN RSA PRIVATE KEY-----\\nMIIE%s\\n-----END RSA PRIVATE KEY-----\\n' owIBAAKCAQEA > id_rsa",
        "echo a > Report.txt && echo b > report.txt",
        "echo suid > suid.bin && chmod 4777 suid.bin",
        "echo planted");

    [Fact]
    public async Task Everything_an_attacker_plants_is_refused_and_the_rest_is_published()
    {
        using var source = new TempFolder();

        var hostFile = source.Write("host-secret.txt", "HOST-ONLY-CONTENT");
        var result = await Cli.RunAsync(["run", "-C", source.Path, "--", "/bin/sh", "-c", Attack.Replace("{HOST_FILE}", hostFile, StringComparison.Ordinal)]);

        Assert.True(result.ExitCode == 120, result.All); // the command succeeded; publishing was blocked by the secrets
        Assert.Contains("planted", result.StdOut, StringComparison.Ordinal);
        var publish = Path.Combine(source.Path, "sandbox-output");
        var files = Path.Combine(publish, "artifacts");

        // Published: the real result and the plain files, with plain modes.
        Assert.True(File.Exists(Path.Combine(files, "TestResults", "ok.trx")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(files, "suid.bin")));

        // Nothing refused made it, and the publish folder holds no link or special file at all.
        foreach (var name in new[] { "passwd-link", "host-file-link", "etc-dir-link", "hardlink.txt", "original.txt", "pipe", "sparse-10g.bin", "credentials.ini", "id_rsa" })
        {
            Assert.False(Path.Exists(Path.Combine(files, name)), $"{name} was published");
        }

        Assert.Single(Directory.GetFiles(files, "*eport.txt"));
        foreach (var entry in Directory.EnumerateFileSystemEntries(publish, "*", SearchOption.AllDirectories))
        {
            Assert.True(LinuxStat.TryLstat(entry, out var stat, out _));
            Assert.Contains(stat.Kind, new[] { FileKind.Regular, FileKind.Directory });
            Assert.DoesNotContain('\n', entry);
            Assert.DoesNotContain('\u001b', entry);
        }

        Assert.False(Directory.Exists(Path.Combine(files, "flood")), "the flood of 100k files was published");
        var everything = string.Concat(Directory.EnumerateFiles(publish, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.DoesNotContain("root:x:0:0", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("HOST-ONLY-CONTENT", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAwsKey, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("MIIEowIBAAKCAQEA", everything, StringComparison.Ordinal);

        // The logs name what was refused, escaped, and never show the secrets or an injected workflow command.
        Assert.DoesNotContain(FakeAwsKey, result.All, StringComparison.Ordinal);
        Assert.DoesNotContain("\n::add-mask::", result.All, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', result.StdErr);
        Assert.Contains("SBX3101", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("SBX3102", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("SBX3103", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("SBX3104", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("SBX3105", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("SBX3106", result.StdErr, StringComparison.Ordinal);

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(publish, "manifest.json")))!;
        var refused = manifest["refused"]!.AsArray().Select(r => (Path: r!["path"]!.GetValue<string>(), Code: r["code"]!.GetValue<string>())).ToArray();
        Assert.Contains(("passwd-link", "SBX3101"), refused);
        Assert.Contains(("etc-dir-link", "SBX3101"), refused);
        Assert.Contains(("pipe", "SBX3102"), refused);
        Assert.Contains(("hardlink.txt", "SBX3102"), refused);
        Assert.Contains(("sparse-10g.bin", "SBX3104"), refused);
        Assert.Contains(("evil\\n::add-mask::x", "SBX3103"), refused);
        Assert.Contains(("bad\\xffutf8", "SBX3103"), refused);
        Assert.Contains(("host-file-link", "SBX3101"), refused);
        Assert.Contains(("flood", "SBX3104"), refused);
        Assert.Contains(manifest["secrets"]!.AsArray(), s => s!["path"]!.GetValue<string>() == "credentials.ini" && s["rule"]!.GetValue<string>() == "aws-access-key");
        Assert.Contains(manifest["secrets"]!.AsArray(), s => s!["path"]!.GetValue<string>() == "id_rsa" && s["rule"]!.GetValue<string>() == "private-key");
        Assert.False(manifest["complete"]!.GetValue<bool>());
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task Declared_includes_limit_what_is_published_and_warn_mode_publishes_with_a_warning()
    {
        // Letting found secrets through is the caller's decision: it is in the caller's policy, outside the source.
        using var caller = new TempFolder();
        using var source = new TempFolder();
        var policy = caller.Write("policy.yml", "artifacts:\n  include: [\"**/*.trx\", \"fixtures/*\"]\n  secrets: warn\n");

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--policy", policy, "--", "/bin/sh", "-c",
            "mkdir -p /workspace/output/r /workspace/output/fixtures; echo '<TestRun/>' > /workspace/output/r/a.trx; echo x > /workspace/output/stray.log; "
            + "echo \"key=AKIA$(echo QWERTYUIOPASDFGJ)\" > /workspace/output/fixtures/fake-key.txt"]);

        Assert.True(result.ExitCode == 0, result.All);
        var artifacts = Path.Combine(source.Path, "sandbox-output", "artifacts");
        Assert.True(File.Exists(Path.Combine(artifacts, "r", "a.trx")));
        Assert.True(File.Exists(Path.Combine(artifacts, "fixtures", "fake-key.txt")));
        Assert.False(File.Exists(Path.Combine(artifacts, "stray.log")));
        Assert.Contains("warning SBX3106", result.StdErr, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(source.Path, "sandbox-output", "manifest.json")))!;
        Assert.Equal(1, manifest["totals"]!["notDeclared"]!.GetValue<int>());
        Assert.False(manifest["secrets"]![0]!["blocked"]!.GetValue<bool>());
    }
}
