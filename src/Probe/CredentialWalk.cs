namespace SandboxBuild.Probing;

/// <summary>
/// Credential material met on the probe's walk of the mounts: the mount's own folder by its name, then each
/// entry by name, and the few files whose content decides (read up to <see cref="CredentialMaterial.ContentLimit"/>).
/// Inside a folder already reported, nothing more is reported.
/// </summary>
internal static class CredentialWalk
{
    public static void Judge(string root, string path, FileStat stat, bool inSource, ProbeReport report)
    {
        if (report.CredentialMaterialFound.Any(f => path.StartsWith(f.Path + "/", StringComparison.Ordinal)))
        {
            return;
        }

        var relative = path == root ? Path.GetFileName(root) : path[(root.TrimEnd('/').Length + 1)..];
        var isDirectory = stat.Kind == FileKind.Directory;
        var why = CredentialMaterial.ByName(relative, isDirectory);
        if (why is null && stat.Kind == FileKind.Regular && path != root && CredentialMaterial.WantsContent(relative, inSource))
        {
            why = ReadAndJudge(path, relative);
        }

        if (why is not null)
        {
            report.CredentialMaterialFound.Add(new CredentialFinding { Path = path, Why = why });
        }
    }

    private static string? ReadAndJudge(string path, string relative)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var buffer = new byte[Math.Min(CredentialMaterial.ContentLimit, stream.Length)];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return CredentialMaterial.ByContent(relative, System.Text.Encoding.Latin1.GetString(buffer, 0, read));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable to the sandbox user: whatever it holds, the sandboxed code cannot read it either.
            return null;
        }
    }
}
