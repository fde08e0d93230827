using SandboxBuild.Host;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// The folders a GitHub runner gives a docker action, at host paths unlike the container's:
/// _temp/_github_home, _temp/_github_workflow, _temp/_runner_file_commands and work/repo/repo.
/// </summary>
internal sealed class RunnerLayout : IDisposable
{
    private readonly TempFolder _root;

    private RunnerLayout(TempFolder root)
    {
        _root = root;
        Home = Make("_temp/_github_home");
        Workflow = Make("_temp/_github_workflow");
        FileCommands = Make("_temp/_runner_file_commands");
        Workspace = Make("work/repo/repo");
        File.WriteAllText(Path.Combine(FileCommands, "set_output_1"), "");
        File.WriteAllText(Path.Combine(FileCommands, "step_summary_1"), "");
    }

    public string Home { get; }

    public string Workflow { get; }

    public string FileCommands { get; }

    public string Workspace { get; }

    public static RunnerLayout Create() => new(new TempFolder("sandboxbuild-runner-"));

    /// <summary>
    /// The sample, restored beforehand into a package folder inside the workspace: this machine's NuGet is not
    /// reachable from containers, so the action's own restore must find every package already there.
    /// </summary>
    public void CopySample()
    {
        using var sample = TempFolder.SampleCopy();
        foreach (var file in Directory.EnumerateFiles(sample.Path, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Workspace, Path.GetRelativePath(sample.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var feed = Path.Combine(Workspace, "feed");
        Directory.CreateDirectory(feed);
        foreach (var package in Directory.GetFiles(Path.Combine(Repository.Root, "artifacts", "packages"), "SandboxBuild.*.nupkg"))
        {
            File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));
        }

        var hostCache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        WriteNuGetConfig($"<add key=\"feed\" value=\"feed\" /><add key=\"host\" value=\"{hostCache}\" /><add key=\"nuget.org\" value=\"https://api.nuget.org/v3/index.json\" />");
        var output = new List<string>();
        var exit = ProcessRunner.RunAsync("dotnet", ["restore"], output.Add, CancellationToken.None, Workspace).GetAwaiter().GetResult();
        if (exit != 0)
        {
            throw new InvalidOperationException($"Restoring the sample failed:\n{string.Join('\n', output)}");
        }

        WriteNuGetConfig("<add key=\"feed\" value=\"feed\" />");
        foreach (var obj in Directory.GetDirectories(Workspace, "obj", SearchOption.AllDirectories))
        {
            Directory.Delete(obj, recursive: true);
        }

        Readable(Workspace);
    }

    public Dictionary<string, string> Outputs()
    {
        // The runner's multi-line format: NAME<<DELIMITER, the value, DELIMITER.
        var lines = File.ReadAllLines(Path.Combine(FileCommands, "set_output_1"));
        var outputs = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 2 < lines.Length; i += 3)
        {
            var (name, delimiter) = (lines[i].Split("<<")[0], lines[i].Split("<<")[1]);
            Assert.Equal(delimiter, lines[i + 2]);
            outputs[name] = lines[i + 1];
        }

        return outputs;
    }

    public string Summary() => File.ReadAllText(Path.Combine(FileCommands, "step_summary_1"));

    public HashSet<string> WorkspaceFiles() =>
        Directory.EnumerateFiles(Workspace, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Workspace, f)).ToHashSet();

    public void Dispose()
    {
        // The action ran as root: what it wrote in the workspace is root's; this process is root too.
        _root.Dispose();
    }

    private void WriteNuGetConfig(string sources) => File.WriteAllText(Path.Combine(Workspace, "NuGet.Config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <config><add key="globalPackagesFolder" value=".nuget-packages" /></config>
          <packageSources><clear />{sources}</packageSources>
        </configuration>
        """);

    private string Make(string relative)
    {
        var path = Path.Combine(_root.Path, relative);
        Directory.CreateDirectory(path);
        Readable(_root.Path);
        return path;
    }

    private static void Readable(string folder)
    {
        foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            File.SetUnixFileMode(directory, File.GetUnixFileMode(directory) | (UnixFileMode)0b000_101_101);
        }
    }
}
