using SandboxBuild.Engine;
using SandboxBuild.Host;
using SandboxBuild.Validation;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// A folder mounted inside the source on the host (a tmpfs here, as a build cache or a second disk would be) is
/// bound into the sandbox along with the source. Below API 1.44 the engine makes only the top of a read-only
/// bind read-only, so the sub-mount is writable from inside: the gate must fail (SBX1403). From 1.44 the bind
/// is forced recursively read-only and the gate passes.
/// </summary>
public sealed class SubMountTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    [Fact]
    public async Task A_writable_mount_below_the_read_only_source_fails_the_gate_on_engines_without_recursive_read_only()
    {
        using var source = new TempFolder();
        source.Write("Program.cs", "// source under test");
        var cache = Path.Combine(source.Path, "cache");
        Directory.CreateDirectory(cache);
        await MountAsync("mount", "-t", "tmpfs", "-o", "size=1m,mode=0777", "tmpfs", cache);
        try
        {
            var report = await Proving.ValidateAsync(fixture, source.Path);

            var subMounts = report.Findings.Single(f => f.Code.Id == "SBX1403");
            if (RecursiveReadOnly.Supported(fixture.Engine.ApiVersion))
            {
                Assert.True(report.Passed, string.Join("; ", report.Failures.Select(f => $"{f.Code.Id} {f.Describe()}")));
            }
            else
            {
                Assert.Equal(CheckStatus.Fail, subMounts.Status);
                Assert.Contains("/workspace/src/cache", subMounts.Describe(), StringComparison.Ordinal);
                Assert.False(report.Passed);
            }
        }
        finally
        {
            await MountAsync("umount", cache);
        }
    }

    [Fact]
    public async Task Without_a_sub_mount_the_same_check_passes()
    {
        using var source = new TempFolder();
        source.Write("cache/Program.cs", "// an ordinary folder, not a mount");

        var report = await Proving.ValidateAsync(fixture, source.Path);

        Assert.Equal(CheckStatus.Pass, report.Findings.Single(f => f.Code.Id == "SBX1403").Status);
        Assert.True(report.Passed);
    }

    private static async Task MountAsync(string program, params string[] arguments)
    {
        var output = new List<string>();
        var exit = await ProcessRunner.RunAsync(program, arguments, output.Add, CancellationToken.None);
        Assert.True(exit == 0, $"{program} {string.Join(' ', arguments)}: {string.Join('\n', output)}");
    }
}
