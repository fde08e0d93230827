using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;
using SandboxBuild.Reporting;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

/// <summary>Text from the repository and the sandbox reaches a GitHub log or step summary inert, whatever it holds.</summary>
public class WorkflowCommandTests
{
    // Every form the runner accepts: leading whitespace of any kind, the legacy form anywhere, any casing, \r splits.
    public static TheoryData<string> Hostile => new()
    {
        "::add-mask::secret",
        "  ::add-mask::two-space shift",
        "\t::error::tab",
        "\u00a0\u2003::warning::unicode spaces",
        "::ADD-MASK::upper case",
        "prefix ##[add-mask]legacy form anywhere",
        "name##[set-output name=gate-result]passed",
        "harmless\r::add-mask::after a carriage return",
        "harmless\r\n::error::after CRLF",
        "x ##[stop-commands]silence-the-rest",
        "::stop-commands::guessed",
        "::set-output name=gate-result::passed",
    };

    private static string Capture(Action<GitHubLog> write)
    {
        var output = new StringWriter();
        using (var log = new GitHubLog(output))
        {
            write(log);
        }

        return output.ToString();
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Repository_text_in_a_message_issues_no_command(string text)
    {
        var log = Capture(l =>
        {
            l.Info($"Published {text}");
            l.Info(text);
            l.Error(Codes.NetworkNotNone, "after it, our own annotation still works");
        });

        var acted = RunnerModel.Process(log);
        Assert.DoesNotContain(acted, c => c.Name is not ("stop-commands" or "resume" or "error"));
        Assert.Equal("error", acted[^1].Name);
        Assert.False(RunnerModel.EndsStopped(log));
        Assert.Contains(text.Split('\r', '\n')[^1], log, StringComparison.Ordinal); // shown verbatim
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Sandboxed_output_issues_no_command(string text)
    {
        var log = Capture(l =>
        {
            l.Output(text, OutputChannel.StdOut);
            l.Output(text, OutputChannel.StdErr);
            l.Warning(Codes.ImageNotPinned, "ours");
        });

        var acted = RunnerModel.Process(log);
        Assert.DoesNotContain(acted, c => c.Name is not ("stop-commands" or "resume" or "warning"));
        Assert.Equal("warning", acted[^1].Name);
        Assert.False(RunnerModel.EndsStopped(log));
    }

    [Fact]
    public void Verbose_details_and_console_writes_are_fenced_too()
    {
        var output = new StringWriter();
        using (var step = new GitHubStepOutput(output))
        {
            var log = new GitHubLog(step, verbose: true);
            log.Detail("input: ::add-mask::x");
            step.Writer.Write("{ \"subject\": \"##[add-mask]");
            step.Writer.WriteLine("in json\" }");
            step.Writer.Write("  ::error::partial line at the end");
        }

        var acted = RunnerModel.Process(output.ToString());
        Assert.All(acted, c => Assert.Contains(c.Name, new[] { "stop-commands", "resume" }));
        Assert.False(RunnerModel.EndsStopped(output.ToString()));
        Assert.Contains("{ \"subject\": \"##[add-mask]in json\" }", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_fence_has_a_fresh_unguessable_token()
    {
        var log = Capture(l =>
        {
            for (var i = 0; i < 200; i++)
            {
                l.Output("line", OutputChannel.StdOut);
                l.Info("between");
            }
        });

        var tokens = log.Split('\n').Where(l => l.StartsWith("::stop-commands::", StringComparison.Ordinal)).Select(l => l["::stop-commands::".Length..]).ToList();
        Assert.Equal(200, tokens.Count);
        Assert.Equal(200, tokens.Distinct().Count());
        Assert.All(tokens, t => Assert.Matches("^[0-9A-F]{32}$", t));
    }

    [Fact]
    public void A_token_seen_earlier_does_not_end_a_later_fence()
    {
        var first = Capture(l => l.Output("a", OutputChannel.StdOut));
        var oldToken = first.Split('\n')[0]["::stop-commands::".Length..];

        var log = Capture(l =>
        {
            l.Output("b", OutputChannel.StdOut);
            l.Output($"::{oldToken}::", OutputChannel.StdOut);
            l.Output($"##[{oldToken}]", OutputChannel.StdOut);
            l.Output("::add-mask::after the replayed token", OutputChannel.StdOut);
        });

        Assert.DoesNotContain(RunnerModel.Process(log), c => c.Name == "add-mask");
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void MSBuild_lines_under_a_runner_are_disarmed_visibly(string text)
    {
        var output = new StringWriter();
        var log = new CanonicalLog(output, disarm: true);

        log.Output(text, OutputChannel.StdOut);
        log.Info(text);
        log.Error(Codes.TestFailed, $"Test failed: {text}");

        // MSBuild prefixes our lines; the runner still trims whitespace, so each is judged as printed with an indent.
        var printed = string.Join('\n', output.ToString().Split('\n').Select(l => "  " + l));
        Assert.Empty(RunnerModel.Process(printed));
    }

    [Fact]
    public void Disarming_keeps_the_text_readable()
    {
        Assert.Equal("  : :add-mask::x", WorkflowCommandText.Disarm("  ::add-mask::x"));
        Assert.Equal("a ## [set-output] b", WorkflowCommandText.Disarm("a ##[set-output] b"));
        Assert.Equal("plain", WorkflowCommandText.Disarm("plain"));
    }

    [Theory]
    [InlineData("a|b")]
    [InlineData("a\\|b")]
    [InlineData("a\rb\nc")]
    [InlineData("`code|span`")]
    [InlineData("![img](https://example.invalid/x.png)")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("[PASSED](https://example.invalid) @someone $x^2$ &lt;")]
    public void A_summary_cell_holds_any_text_in_one_cell_of_one_row(string text)
    {
        var report = new ValidationReport { Findings = [Finding.Fail(Codes.CredentialsMounted, FactSource.Container, "mount", text, "none")] };

        var row = GitHubSummary.Write(report, null, null, null).Split('\n').Single(l => l.Contains("SBX2017", StringComparison.Ordinal));

        // Unescaped pipes split cells: exactly the table's own seven.
        Assert.Equal(7, CountUnescaped(row, '|'));
        Assert.Equal(0, CountUnescaped(row, '`') + CountUnescaped(row, '<') + CountUnescaped(row, '[') + CountUnescaped(row, '!') + CountUnescaped(row, '@') + CountUnescaped(row, '$'));
        Assert.DoesNotContain('\r', row);
    }

    private static int CountUnescaped(string row, char c)
    {
        var count = 0;
        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] == '\\')
            {
                i++; // the escaped character
            }
            else if (row[i] == c)
            {
                count++;
            }
        }

        return count;
    }
}
