using System.Formats.Tar;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// Puts the probe and stager into a volume the sandbox mounts read-only. A volume, not a bind mount, so it
/// works the same when this process runs in a container (the action) or talks to a remote engine. The
/// volume is named by the hash of its content: a changed probe gets a new volume, never a patched one. It
/// holds only our files: it is filled with NoCopy (so nothing of the helper's image is copied in) and its
/// content is compared with our files before every use (<see cref="VerifyInContainerAsync"/>).
/// </summary>
public static class ProbeVolume
{
    public const string FileName = "sandboxbuild-probe.dll";

    /// <summary>Where the probe's files are: next to this library, or SANDBOXBUILD_PROBE_DIR.</summary>
    public static string LocateFiles()
    {
        var configured = Environment.GetEnvironmentVariable("SANDBOXBUILD_PROBE_DIR");
        var directory = !string.IsNullOrEmpty(configured) ? configured : Path.Combine(AppContext.BaseDirectory, "probe");
        if (!File.Exists(Path.Combine(directory, FileName)))
        {
            throw new SandboxException(Codes.InternalError, $"The probe is missing from '{directory}'.",
                "Rebuild SandboxBuild; the probe is built into the 'probe' folder next to it.");
        }

        return directory;
    }

    public static Task<string> EnsureAsync(EngineConnection engine, string image, CancellationToken cancellationToken) =>
        EnsureAsync(engine, image, LocateFiles(), cancellationToken);

    /// <summary>The volume holding exactly the files of <paramref name="directory"/>, created (and checked) when it does not exist.</summary>
    public static async Task<string> EnsureAsync(EngineConnection engine, string image, string directory, CancellationToken cancellationToken)
    {
        var files = Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray();
        var name = $"sandboxbuild-probe-{ContentHash(files)}";
        try
        {
            await engine.Client.Volumes.InspectAsync(name, cancellationToken);
            return name;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }

        await engine.Client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = name,
            Labels = new Dictionary<string, string> { [SandboxLabels.Managed] = "true", [SandboxLabels.Kind] = "probe" },
        }, cancellationToken);

        // A helper that is created but never started: the engine copies into its volume all the same. NoCopy:
        // an image with content at /probe (any image can be the policy's) must not seed the volume.
        string? problem;
        try
        {
            await using var helper = await ContainerFiles.CreateOffAsync(engine, image,
                [new Mount { Type = "volume", Source = name, Target = "/probe", VolumeOptions = new VolumeOptions { NoCopy = true } }], cancellationToken);
            using var archive = Archive(files);
            await engine.Client.Containers.ExtractArchiveToContainerAsync(helper.Id, new CopyToContainerParameters { Path = "/probe" }, archive, cancellationToken);
            problem = Mismatch(await ContainerFiles.ReadAsync(engine, helper.Id, "/probe", cancellationToken), files);
        }
        catch
        {
            await engine.Client.Volumes.RemoveAsync(name, force: true, CancellationToken.None);
            throw;
        }

        if (problem is not null)
        {
            await engine.Client.Volumes.RemoveAsync(name, force: true, CancellationToken.None);
            throw new SandboxException(Codes.ProbeVolumeTampered, $"The new probe volume {name} does not hold exactly the probe's files: {problem}.");
        }

        return name;
    }

    /// <summary>
    /// Compares the probe folder a container sees with our files: null when it holds exactly them, a reason
    /// otherwise, and "missing" when the container has no probe folder at all (the probe then fails on its own).
    /// </summary>
    public static async Task<string?> VerifyInContainerAsync(
        EngineConnection engine, string containerId, CancellationToken cancellationToken, string directory = SandboxLayout.ProbeMount)
    {
        var files = Directory.GetFiles(LocateFiles()).Order(StringComparer.Ordinal).ToArray();
        try
        {
            return await ContainerFiles.ReadAsync(engine, containerId, directory, cancellationToken) is { } entries ? Mismatch(entries, files) : MissingFolder;
        }
        catch (Exception e) when (e is InvalidDataException or DockerApiException or HttpRequestException or IOException)
        {
            return $"its content could not be read: {e.Message}"; // unknown is a failure, never a pass
        }
    }

    public const string MissingFolder = "missing";


    /// <summary>Exactly our files, byte for byte, in one folder: nothing added, removed, changed, linked or nested.</summary>
    public static string? Mismatch(IReadOnlyList<ContainerFile>? entries, IReadOnlyList<string> files)
    {
        if (entries is null)
        {
            return "the folder is missing";
        }

        var root = entries.FirstOrDefault(e => !e.Name.Contains('/'))?.Name;
        var seen = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Name != root))
        {
            var name = root is null ? entry.Name : entry.Name[(root.Length + 1)..];
            if (entry.Type is not (System.Formats.Tar.TarEntryType.RegularFile or System.Formats.Tar.TarEntryType.V7RegularFile) || name.Contains('/'))
            {
                return $"'{name}' is a {entry.Type}, not one of the probe's files";
            }

            seen[name] = entry.Content;
        }

        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            if (!seen.Remove(name, out var content))
            {
                return $"'{name}' is missing";
            }

            if (!content.AsSpan().SequenceEqual(File.ReadAllBytes(file)))
            {
                return $"'{name}' differs from the probe's own";
            }
        }

        return seen.Count == 0 ? null : $"'{seen.Keys.First()}' is not one of the probe's files";
    }

    private static string ContentHash(string[] files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\0"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    private static MemoryStream Archive(string[] files)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, Path.GetFileName(file))
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 0,
                    Gid = 0,
                    DataStream = File.OpenRead(file),
                };
                writer.WriteEntry(entry);
                entry.DataStream.Dispose();
            }
        }

        stream.Position = 0;
        return stream;
    }
}
