namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Staging a real checkout: what the sandbox user cannot read is skipped with one warning naming it (never read
/// with more privilege), a checkout owned by another uid stages whole, and `.git` is linked read-only.
/// </summary>
public sealed class StagingTests(EngineFixture fixture) : IClassFixture<EngineFixture>
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task Files_the_sandbox_user_cannot_read_are_skipped_with_one_warning_naming_them()
    {
        using var source = new TempFolder();
        source.Write("app/Program.cs", "// readable");
        File.SetUnixFileMode(source.Write(".env", "API_KEY=sk-never-inside-0123456789"), OwnerOnly);
        source.Write("private/notes.txt", "private");
        File.SetUnixFileMode(Path.Combine(source.Path, "private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(source.Write(".git/objects/pack/pack-1.promisor", "partial clone"), OwnerOnly);
        source.Write(".git/HEAD", "ref: refs/heads/main\n");

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--no-restore", "--",
            "/bin/sh", "-c", "test -f app/Program.cs && test ! -e .env && test -L .git && cat .git/HEAD && ! touch .git/x 2>/dev/null"]);

        Assert.True(result.ExitCode == 0, result.All);
        var warning = Assert.Single(result.StdErr.Split('\n'), l => l.Contains("warning SBX3401", StringComparison.Ordinal));
        Assert.Contains(".env", warning, StringComparison.Ordinal);
        Assert.Contains("private/", warning, StringComparison.Ordinal);
        Assert.Contains("ref: refs/heads/main", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-never-inside", result.All, StringComparison.Ordinal);
        Assert.Equal(0, await Leftovers.CountAsync(fixture.Engine, source.Path));
    }

    [Fact]
    public async Task A_checkout_owned_by_another_uid_stages_whole_without_warnings()
    {
        using var source = new TempFolder();
        source.Write("app/Program.cs", "// owned by the CI runner's uid");
        source.Write(".git/HEAD", "ref: refs/heads/main\n");
        foreach (var path in Directory.EnumerateFileSystemEntries(source.Path, "*", SearchOption.AllDirectories).Append(source.Path))
        {
            File.SetUnixFileMode(path, File.GetAttributes(path).HasFlag(FileAttributes.Directory) ? (UnixFileMode)0b111_101_101 : (UnixFileMode)0b110_100_100);
        }

        Assert.Equal(0, await SandboxBuild.Host.ProcessRunner.RunAsync("chown", ["-R", "1001:1001", source.Path], _ => { }, CancellationToken.None));

        var result = await Cli.RunAsync(["run", "-C", source.Path, "--no-restore", "--", "/bin/sh", "-c", "cat app/Program.cs .git/HEAD"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("owned by the CI runner's uid", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("SBX3401", result.All, StringComparison.Ordinal);
    }
}
