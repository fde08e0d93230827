namespace SandboxBuild.Tasks;

/// <summary>
/// The folder a test project's sandbox mounts: the repository, so project references anywhere in it build.
/// The nearest folder above the project holding .git, else a solution file, else global.json.
/// </summary>
internal static class SourceRoots
{
    public static string Find(string projectDirectory)
    {
        foreach (var marker in new Func<DirectoryInfo, bool>[]
                 {
                     d => Path.Exists(Path.Combine(d.FullName, ".git")),
                     d => d.EnumerateFiles("*.sln").Any() || d.EnumerateFiles("*.slnx").Any(),
                     d => File.Exists(Path.Combine(d.FullName, "global.json")),
                 })
        {
            for (var directory = new DirectoryInfo(projectDirectory); directory is not null; directory = directory.Parent)
            {
                if (marker(directory))
                {
                    return directory.FullName;
                }
            }
        }

        return Directory.GetParent(projectDirectory)?.FullName ?? projectDirectory;
    }
}
