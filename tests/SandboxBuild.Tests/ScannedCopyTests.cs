using System.Text;
using SandboxBuild.Artifacts;

namespace SandboxBuild.Tests;

/// <summary>The collector's copy scans in 4 MiB chunks; a secret cut by a chunk boundary must be found all the same.</summary>
public class ScannedCopyTests
{
    private const string Token = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    private const int Chunk = 4 << 20;

    [Theory]
    [InlineData(-2)]
    [InlineData(-10)]
    [InlineData(-300)]
    [InlineData(-600)]
    [InlineData(0)]
    [InlineData(5)]
    public void A_secret_across_a_chunk_boundary_is_found_once(int offsetFromBoundary)
    {
        using var folder = new TempFolder();
        var content = new byte[Chunk + 4096];
        content.AsSpan().Fill((byte)'.');
        Encoding.ASCII.GetBytes(Token).CopyTo(content, Chunk + offsetFromBoundary);
        var input = Path.Combine(folder.Path, "big.txt");
        File.WriteAllBytes(input, content);

        CopyOutcome outcome;
        using (var handle = File.OpenHandle(input))
        {
            outcome = new ScannedCopy(new SecretScanner([])).Copy(handle, content.Length, Path.Combine(folder.Path, "copy.txt"), configFile: false);
        }

        Assert.Equal("github-token", Assert.Single(outcome.Hits).Rule);
        Assert.Equal(content, File.ReadAllBytes(Path.Combine(folder.Path, "copy.txt")));
    }

    [Fact]
    public void A_reversed_token_with_its_body_in_the_previous_chunk_is_found()
    {
        using var folder = new TempFolder();
        var content = new byte[Chunk + 4096];
        content.AsSpan().Fill((byte)' ');
        var reversed = Encoding.ASCII.GetBytes(new string(Token.Reverse().ToArray()));
        reversed.CopyTo(content, Chunk - reversed.Length + 2); // the anchor `_phg` straddles the boundary
        var input = Path.Combine(folder.Path, "big.txt");
        File.WriteAllBytes(input, content);

        using var handle = File.OpenHandle(input);
        var outcome = new ScannedCopy(new SecretScanner([])).Copy(handle, content.Length, Path.Combine(folder.Path, "copy.txt"), configFile: false);

        Assert.Single(outcome.Hits);
    }

    [Fact]
    public void Lines_are_counted_across_chunks()
    {
        using var folder = new TempFolder();
        var line = new string('x', 1023) + "\n";
        var text = string.Concat(Enumerable.Repeat(line, 5000)) + "AKIAIOSFODNN7EXAMPLE\n";
        var input = folder.Write("lines.txt", text);

        using var handle = File.OpenHandle(input);
        var outcome = new ScannedCopy(new SecretScanner([])).Copy(handle, Encoding.ASCII.GetByteCount(text), Path.Combine(folder.Path, "copy.txt"), configFile: false);

        Assert.Equal(5001, Assert.Single(outcome.Hits).Line);
    }
}
