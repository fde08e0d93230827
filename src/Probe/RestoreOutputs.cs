namespace SandboxBuild.Probing;

/// <summary>
/// `restore-results --from DIR --to DIR`: after restore in the restore sandbox, copies what restore wrote for
/// the build (project.assets.json, *.nuget.g.props/targets, project.nuget.cache, *.nuget.dgspec.json) into
/// the results folder, keeping relative paths. The build sandbox overlays them onto its staged source
/// (`stage --overlay`), so the host never reads them and they never name a host path.
/// </summary>
internal static class RestoreOutputs
{
    public static readonly string[] Names = ["project.assets.json", "project.nuget.cache", ".nuget.g.props", ".nuget.g.targets", ".nuget.dgspec.json"];

    public static bool IsRestoreOutput(string name) => Names.Any(n => name.EndsWith(n, StringComparison.Ordinal));

    public static int Collect(string[] args)
    {
        if (args is not ["--from", var from, "--to", var to])
        {
            throw new ArgumentException("restore-results --from DIR --to DIR");
        }

        var copied = 0;
        var pending = new Stack<string>([from]);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
            {
                // Never through a link, and never from build output.
                if (entry.LinkTarget is not null || (entry is DirectoryInfo && entry.Name == "bin"))
                {
                    continue;
                }

                if (entry is DirectoryInfo)
                {
                    pending.Push(entry.FullName);
                }
                else if (entry is FileInfo file && IsRestoreOutput(file.Name))
                {
                    var target = Path.Combine(to, Path.GetRelativePath(from, file.FullName));
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    file.CopyTo(target, overwrite: true);
                    copied++;
                }
            }
        }

        Console.Out.WriteLine($"collected {copied} restore outputs");
        return 0;
    }
}
