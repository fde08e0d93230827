using SandboxBuild.Diagnostics;

namespace SandboxBuild.TestModules;

/// <summary>
/// Copies verified files into the user's results folder without ever writing through a link: the folder may
/// be inside the repository, where a committed symlink (`TestResults -> ~/.ssh`) would otherwise redirect the
/// write. Every folder on the way is created or checked to be a real folder, and an existing link is replaced.
/// </summary>
internal static class ResultsCopy
{
    /// <summary>Copies every file under <paramref name="from"/>; returns inside-relative path -> host path.</summary>
    public static IReadOnlyDictionary<string, string> CopyTree(string from, string to)
    {
        var copied = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(from))
        {
            return copied;
        }

        EnsureRealFolder(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            var target = Path.Combine(to, relative);
            var folder = to;
            foreach (var part in Path.GetDirectoryName(relative)!.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                folder = Path.Combine(folder, part);
                EnsureRealFolder(folder);
            }

            if (new FileInfo(target).LinkTarget is not null || Directory.Exists(target))
            {
                throw new SandboxException(Codes.TestResultsUnsafe, $"'{SafeText.Escape(target)}' is a link or a folder; results are never written through it.");
            }

            File.Delete(target);
            using (var source = File.OpenRead(file))
            using (var destination = new FileStream(target, FileMode.CreateNew, FileAccess.Write))
            {
                source.CopyTo(destination);
            }

            copied[relative] = target;
        }

        return copied;
    }

    private static void EnsureRealFolder(string folder)
    {
        for (var current = new DirectoryInfo(folder); current is not null; current = current.Parent)
        {
            if (current.LinkTarget is not null)
            {
                throw new SandboxException(Codes.TestResultsUnsafe, $"The results folder '{SafeText.Escape(folder)}' goes through the link '{SafeText.Escape(current.FullName)}'; results are never written through a link.");
            }

            if (current.Exists)
            {
                break;
            }
        }

        Directory.CreateDirectory(folder);
    }
}
