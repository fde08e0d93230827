using System.ComponentModel;
using System.Diagnostics;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>
/// When recording on a working copy, the files git ignores and does not track (obj/, bin/, a local feed the
/// build fills) are left out: a clean checkout does not have them, and a record that listed them would fail
/// every CI run. Only recording uses this; judging never trusts the repository's .gitignore, so a generated
/// file present when judging is "added".
/// </summary>
public static class GitIgnoredFiles
{
    /// <summary>A predicate over relative paths, or null (with the reason) when git cannot tell.</summary>
    public static Func<string, bool>? Find(string root, out string explanation)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        // No fsmonitor: a command named in a working copy's git config never runs here.
        foreach (var argument in new[] { "-c", "core.fsmonitor=false", "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                explanation = $"git could not list ignored files ({errors.Result.Trim()}): every file found was recorded, generated ones too";
                return null;
            }

            var ignored = output.Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var files = ignored.Where(p => !p.EndsWith('/')).ToHashSet(StringComparer.Ordinal);
            var folders = ignored.Where(p => p.EndsWith('/')).ToArray();
            explanation = $"left out what git ignores and does not track ({folders.Length} folders, {files.Count} files)";
            return relative => files.Contains(relative) || folders.Any(f => relative.StartsWith(f, StringComparison.Ordinal));
        }
        catch (Win32Exception e)
        {
            explanation = $"git is not available ({e.Message}): every file found was recorded, generated ones too";
            return null;
        }
    }
}
