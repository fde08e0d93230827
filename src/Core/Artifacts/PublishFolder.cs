using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SandboxBuild.Diagnostics;
using SandboxBuild.Host;
using SandboxBuild.Policy;

namespace SandboxBuild.Artifacts;

/// <summary>
/// The folder verified artifacts are published to: `artifacts/` with the files, `manifest.json` and
/// `provenance.intoto.json` beside it. Only the caller names it. SandboxBuild empties it only when it can
/// prove it created it: a record in its private state folder names the folder and a random id, and the same
/// id is in a marker file inside. A planted `manifest.json` proves nothing; a folder without a matching
/// record is never deleted. The folder is never the source or above it, and never reached through a link
/// inside the repository.
/// </summary>
public static class PublishFolder
{
    public const string FilesFolder = "artifacts";
    public const string ManifestFile = "manifest.json";
    public const string ProvenanceFile = "provenance.intoto.json";
    public const string MarkerFile = ".sandboxbuild-output";

    /// <summary>Makes <paramref name="path"/> a fresh publish folder owned by SandboxBuild.</summary>
    /// <param name="sourceDirectory">The source of the run, which the folder must not hold; null when there is none (`collect`).</param>
    /// <param name="recordsFolder">Where ownership records live; the state folder's `outputs` by default.</param>
    public static void Prepare(string path, string? sourceDirectory = null, string? recordsFolder = null)
    {
        var folder = Path.GetFullPath(path);
        try
        {
            CheckPlace(folder, sourceDirectory is null ? null : Path.GetFullPath(sourceDirectory));
        }
        catch (IOException e)
        {
            throw new SandboxException(Codes.OutputThroughLink, $"The output path '{folder}' cannot be resolved: {e.Message}.");
        }

        var records = recordsFolder ?? StateRoot.Folder("outputs");
        if (File.Exists(folder))
        {
            throw new SandboxException(Codes.OutputFolderNotOurs, $"The output path '{folder}' is a file, expected a folder SandboxBuild created.");
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            if (WhyNotOurs(folder, records) is { } why)
            {
                throw new SandboxException(Codes.OutputFolderNotOurs,
                    $"The output folder '{folder}' is not empty and SandboxBuild cannot prove it created it ({why}); it was left as it is.");
            }

            Directory.Delete(folder, recursive: true); // .NET removes links inside, never what they point to
        }

        Directory.CreateDirectory(folder);
        Claim(folder, records);
    }

    public static string Files(string path) => Path.Combine(path, FilesFolder);

    /// <summary>The record of a folder: the state folder's file named by the hash of its path.</summary>
    public static string RecordPath(string folder, string records) =>
        Path.Combine(records, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..32] + ".json");

    private static void CheckPlace(string folder, string? source)
    {
        if (source is not null && (HostPath.IsWithin(source, folder) || HostPath.IsWithin(HostPath.Resolve(source, "/"), HostPath.Resolve(folder, "/"))))
        {
            throw new SandboxException(Codes.OutputHoldsSource, $"The output folder '{folder}' is the source '{source}' or holds it.");
        }

        // Below the source, every component belongs to the repository: a committed link there would send the
        // published files (and a later clean-up) wherever it points.
        if (source is not null && HostPath.IsWithin(folder, source))
        {
            var expected = HostPath.Resolve(source, "/") + folder[source.Length..];
            if (HostPath.Resolve(folder, "/") != expected.TrimEnd('/'))
            {
                throw new SandboxException(Codes.OutputThroughLink, $"The output path '{folder}' goes through a link inside the repository (it leads to {HostPath.Resolve(folder, "/")}).");
            }
        }

        if (new DirectoryInfo(folder).LinkTarget is { } target)
        {
            throw new SandboxException(Codes.OutputThroughLink, $"The output folder '{folder}' is a link to '{target}'.");
        }
    }

    private static string? WhyNotOurs(string folder, string records)
    {
        var recordFile = RecordPath(folder, records);
        if (!File.Exists(recordFile))
        {
            return "no record of creating it";
        }

        var marker = new FileInfo(Path.Combine(folder, MarkerFile));
        if (!marker.Exists || marker.LinkTarget is not null || marker.Length > 256)
        {
            return $"no marker file {MarkerFile} in it";
        }

        try
        {
            var record = JsonNode.Parse(File.ReadAllText(recordFile));
            return record?["path"]?.GetValue<string>() == folder && record["id"]?.GetValue<string>() is { Length: 32 } id && File.ReadAllText(marker.FullName).Trim() == id
                ? null
                : "its marker does not match the record";
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or IOException)
        {
            return "the record cannot be read";
        }
    }

    private static void Claim(string folder, string records)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        try
        {
            File.WriteAllText(Path.Combine(folder, MarkerFile), id + "\n");
            StateRoot.WritePrivate(RecordPath(folder, records), new JsonObject
            {
                ["path"] = folder,
                ["id"] = id,
                ["created"] = DateTimeOffset.UtcNow.ToString("O"),
            }.ToJsonString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxException(Codes.OutputRecordFailed, $"The ownership record of '{folder}' could not be written: {e.Message}");
        }
    }
}
