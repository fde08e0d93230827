using SandboxBuild.Diagnostics;

namespace SandboxBuild.Tests;

public class TextSafetyTests
{
    [Fact]
    public void Control_characters_and_escapes_are_shown_escaped()
    {
        var shown = SafeText.Escape("evil\n::add-mask::x\u001b[31mred\r");

        Assert.DoesNotContain('\n', shown);
        Assert.DoesNotContain('\r', shown);
        Assert.DoesNotContain('\u001b', shown);
        Assert.Contains("\\n::add-mask::", shown, StringComparison.Ordinal);
        Assert.Contains("\\x1b", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_is_shown_as_bytes()
    {
        Assert.Equal("a\\xffb", SafeText.Escape([(byte)'a', 0xFF, (byte)'b']));
    }

    [Fact]
    public void GitHub_annotations_escape_data_and_properties()
    {
        var output = new StringWriter();
        var log = new GitHubLog(output);

        log.Error(Codes.NetworkNotNone, "line one\nline two 100%", new SourceLocation("dir,x/sandbox.yml", 3));

        Assert.Equal("::error file=dir%2Cx/sandbox.yml,line=3,title=SBX2001 Network is not isolated::SBX2001: line one%0Aline two 100%25", output.ToString().TrimEnd());
    }

    [Fact]
    public void Sandboxed_output_cannot_become_a_workflow_command()
    {
        var output = new StringWriter();
        using (var log = new GitHubLog(output))
        {
            log.Output("::add-mask::secret", OutputChannel.StdOut);
            log.Output("::stop-commands::guess", OutputChannel.StdOut);
            log.Info("done");
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("::stop-commands::", lines[0], StringComparison.Ordinal);
        var token = lines[0]["::stop-commands::".Length..].Trim();
        Assert.Equal(32, token.Length);
        Assert.Equal($"::{token}::", lines[3].Trim());
        Assert.Equal("done", lines[4].Trim());
    }

    [Fact]
    public void Plain_messages_cannot_start_a_workflow_command_either()
    {
        var output = new StringWriter();
        using (var log = new GitHubLog(output))
        {
            log.Info("Restoring project\n::add-mask::x");
        }

        Assert.DoesNotContain(RunnerModel.Process(output.ToString()), c => c.Name == "add-mask");
    }

    [Fact]
    public void Canonical_messages_are_what_msbuild_parses_as_errors()
    {
        var output = new StringWriter();
        new CanonicalLog(output).Error(Codes.Timeout, "too slow", new SourceLocation("/repo/sandbox.yml", 7));

        Assert.Equal("/repo/sandbox.yml(7): error SBX3002: too slow", output.ToString().TrimEnd());
    }
}
