using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Tests;

/// <summary>SandboxBuild deletes only an output folder it can prove it created; the working copy is never one.</summary>
public class PublishFolderTests
{
    private static SandboxException Refused(string path, string source, string records) =>
        Assert.Throws<SandboxException>(() => PublishFolder.Prepare(path, source, records));

    [Fact]
    public void A_folder_it_created_is_recreated_on_the_next_run()
    {
        using var state = new TempFolder();
        using var repo = new TempFolder();
        var output = Path.Combine(repo.Path, "sandbox-output");

        PublishFolder.Prepare(output, repo.Path, state.Path);
        File.WriteAllText(Path.Combine(output, "old.txt"), "from the last run");
        var firstId = File.ReadAllText(Path.Combine(output, PublishFolder.MarkerFile));
        PublishFolder.Prepare(output, repo.Path, state.Path);

        Assert.False(File.Exists(Path.Combine(output, "old.txt")));
        Assert.NotEqual(firstId, File.ReadAllText(Path.Combine(output, PublishFolder.MarkerFile)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PublishFolder.RecordPath(output, state.Path)));
    }

    [Fact]
    public void A_planted_manifest_does_not_make_a_folder_ours_and_nothing_is_deleted()
    {
        using var state = new TempFolder();
        using var repo = new TempFolder();
        var output = Path.Combine(repo.Path, "sandbox-output");
        repo.Write("sandbox-output/manifest.json", "{\"schema\":\"https://sandboxbuild.dev/schemas/manifest/v1\"}");
        repo.Write("sandbox-output/precious.txt", "keep me");

        var error = Refused(output, repo.Path, state.Path);

        Assert.Equal(Codes.OutputFolderNotOurs, error.Code);
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(output, "precious.txt")));
    }

    [Fact]
    public void A_marker_copied_from_elsewhere_or_a_guessed_id_does_not_match_the_record()
    {
        using var state = new TempFolder();
        using var repo = new TempFolder();
        var ours = Path.Combine(repo.Path, "ours");
        var planted = Path.Combine(repo.Path, "planted");
        PublishFolder.Prepare(ours, repo.Path, state.Path);
        repo.Write("planted/keep.txt", "keep me");
        File.Copy(Path.Combine(ours, PublishFolder.MarkerFile), Path.Combine(planted, PublishFolder.MarkerFile));
        File.WriteAllText(Path.Combine(ours, PublishFolder.MarkerFile), new string('0', 32));
        File.WriteAllText(Path.Combine(ours, "keep.txt"), "keep me");

        Assert.Equal(Codes.OutputFolderNotOurs, Refused(planted, repo.Path, state.Path).Code);
        Assert.Equal(Codes.OutputFolderNotOurs, Refused(ours, repo.Path, state.Path).Code);
        Assert.True(File.Exists(Path.Combine(planted, "keep.txt")));
        Assert.True(File.Exists(Path.Combine(ours, "keep.txt")));
    }

    [Fact]
    public void The_source_itself_or_a_folder_above_it_is_never_the_output_even_empty_of_git()
    {
        using var state = new TempFolder();
        using var repo = new TempFolder();
        repo.Write(".git/HEAD", "ref: refs/heads/main\n");
        repo.Write("uncommitted.cs", "work in progress");

        Assert.Equal(Codes.OutputHoldsSource, Refused(repo.Path, repo.Path, state.Path).Code);
        Assert.Equal(Codes.OutputHoldsSource, Refused(Path.GetDirectoryName(repo.Path)!, repo.Path, state.Path).Code);
        Assert.Equal(Codes.OutputHoldsSource, Refused(Path.Combine(repo.Path, "sub", ".."), repo.Path, state.Path).Code);
        Assert.True(File.Exists(Path.Combine(repo.Path, ".git", "HEAD")));
        Assert.True(File.Exists(Path.Combine(repo.Path, "uncommitted.cs")));
    }

    [Fact]
    public void A_committed_link_cannot_send_the_output_out_of_the_repository()
    {
        using var state = new TempFolder();
        using var repo = new TempFolder();
        using var elsewhere = new TempFolder();
        File.CreateSymbolicLink(Path.Combine(repo.Path, "sandbox-output"), elsewhere.Path);
        File.CreateSymbolicLink(Path.Combine(repo.Path, "obj"), elsewhere.Path);

        Assert.Equal(Codes.OutputThroughLink, Refused(Path.Combine(repo.Path, "sandbox-output"), repo.Path, state.Path).Code);
        Assert.Equal(Codes.OutputThroughLink, Refused(Path.Combine(repo.Path, "obj", "sandbox", "net10.0"), repo.Path, state.Path).Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere.Path));
    }

    [Fact]
    public void An_empty_folder_the_caller_named_is_used_and_then_owned()
    {
        using var state = new TempFolder();
        using var repo = new TempFolder();
        using var outside = new TempFolder();

        PublishFolder.Prepare(outside.Path, repo.Path, state.Path);
        File.WriteAllText(Path.Combine(outside.Path, "result.trx"), "x");
        PublishFolder.Prepare(outside.Path, repo.Path, state.Path);

        Assert.False(File.Exists(Path.Combine(outside.Path, "result.trx")));
        Assert.True(File.Exists(Path.Combine(outside.Path, PublishFolder.MarkerFile)));
    }
}
