using System.Formats.Tar;
using System.Security.Cryptography;
using Docker.DotNet;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// Puts the probe and stager into a volume the sandbox mounts read-only. A volume, not a bind mount, so it
/// works the same when this process runs in a container (the action) or talks to a remote engine. The
/// volume is named by the hash of its content: a changed probe gets a new volume, never a patched one.
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

    public static async Task<string> EnsureAsync(EngineConnection engine, string image, CancellationToken cancellationToken)
    {
        var directory = LocateFiles();
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

        // A helper that is created but never started: the engine can copy into its volume all the same.
        var helper = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Entrypoint = ["/bin/true"],
            NetworkDisabled = true,
            Labels = new Dictionary<string, string>
            {
                [SandboxLabels.Managed] = "true",
                [SandboxLabels.Kind] = "probe-helper",
                [SandboxLabels.Owner] = SandboxLabels.CurrentOwner(),
                [SandboxLabels.Expires] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            HostConfig = new HostConfig
            {
                NetworkMode = "none",
                Mounts = [new Mount { Type = "volume", Source = name, Target = "/probe" }],
            },
        }, cancellationToken);
        try
        {
            using var archive = Archive(files);
            await engine.Client.Containers.ExtractArchiveToContainerAsync(helper.ID, new CopyToContainerParameters { Path = "/probe" }, archive, cancellationToken);
        }
        catch
        {
            await engine.Client.Volumes.RemoveAsync(name, force: true, CancellationToken.None);
            throw;
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(helper.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }

        return name;
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
