using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Artifacts;

/// <summary>
/// The folder verified artifacts are published to: `artifacts/` with the files, `manifest.json` and
/// `provenance.intoto.json` beside it. It is always fresh; a folder SandboxBuild did not write is never
/// emptied, so a mistyped path cannot cost a user their files.
/// </summary>
public static class PublishFolder
{
    public const string FilesFolder = "artifacts";
    public const string ManifestFile = "manifest.json";
    public const string ProvenanceFile = "provenance.intoto.json";

    public static void Prepare(string path)
    {
        if (File.Exists(path))
        {
            throw new SandboxException(Codes.OutputFolderNotOurs, $"The output path '{path}' is a file.");
        }

        if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any())
        {
            if (!IsOurs(path))
            {
                throw new SandboxException(Codes.OutputFolderNotOurs, $"The output folder '{path}' is not empty and was not written by SandboxBuild.");
            }

            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
    }

    public static string Files(string path) => Path.Combine(path, FilesFolder);

    private static bool IsOurs(string path)
    {
        var manifest = Path.Combine(path, ManifestFile);
        try
        {
            return File.Exists(manifest) && JsonNode.Parse(File.ReadAllText(manifest))?["schema"]?.GetValue<string>() == Manifest.Schema;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
