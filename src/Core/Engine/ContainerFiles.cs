using System.Formats.Tar;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace SandboxBuild.Engine;

/// <summary>One entry of a tar the engine returned: a regular file's bytes, or the kind of anything else.</summary>
public sealed record ContainerFile(string Name, TarEntryType Type, byte[] Content);

/// <summary>
/// Reads files out of a container through the engine's archive API. The container need not be running:
/// a created, never started container shows its image and volumes, so nothing of the image's code runs.
/// </summary>
public static class ContainerFiles
{
    /// <summary>The entries under <paramref name="path"/> (names relative to its parent), or null when the path does not exist.</summary>
    public static async Task<IReadOnlyList<ContainerFile>?> ReadAsync(EngineConnection engine, string containerId, string path, CancellationToken cancellationToken, long maxBytes = 16 << 20)
    {
        ContainerArchiveResponse response;
        try
        {
            response = await engine.Client.Containers.GetArchiveFromContainerAsync(containerId, new ContainerPathStatParameters { Path = path }, statOnly: false, cancellationToken);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }

        var files = new List<ContainerFile>();
        long total = 0;
        var stream = response.Stream ?? throw new InvalidDataException($"the engine returned no archive of '{path}'");
        using var archive = new MemoryStream();
        await using (stream)
        {
            await CopyBoundedAsync(stream, archive, maxBytes + (1 << 20), path, cancellationToken);
        }

        // The engine ends its archives with one zero block where the format (and .NET's reader) expects two.
        archive.Write(new byte[1024]);
        archive.Position = 0;
        {
            using var reader = new TarReader(archive);
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                byte[] content = [];
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && entry.DataStream is { } data)
                {
                    total += entry.Length;
                    if (total > maxBytes)
                    {
                        throw new InvalidDataException($"'{path}' holds more than {maxBytes} bytes");
                    }

                    using var buffer = new MemoryStream();
                    await data.CopyToAsync(buffer, cancellationToken);
                    content = buffer.ToArray();
                }

                files.Add(new ContainerFile(entry.Name.TrimEnd('/'), entry.EntryType, content));
            }
        }

        return files;
    }

    private static async Task CopyBoundedAsync(Stream from, Stream to, long limit, string path, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (to.Length + read > limit)
            {
                throw new InvalidDataException($"'{path}' holds more than {limit} bytes");
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>A container of <paramref name="image"/> that is created but never started, for reading files; removed on dispose.</summary>
    public static async Task<OffContainer> CreateOffAsync(EngineConnection engine, string image, IList<Mount> mounts, CancellationToken cancellationToken)
    {
        var created = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = image,
            Entrypoint = ["/nonexistent/never-started"],
            NetworkDisabled = true,
            Labels = new Dictionary<string, string>
            {
                [SandboxLabels.Managed] = "true",
                [SandboxLabels.Kind] = "reader",
                [SandboxLabels.Owner] = SandboxLabels.CurrentOwner(),
                [SandboxLabels.Expires] = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            HostConfig = new HostConfig { NetworkMode = "none", Mounts = mounts },
        }, cancellationToken);
        return new OffContainer(engine, created.ID);
    }
}

/// <summary>A created, never started container; removed when disposed.</summary>
public sealed class OffContainer(EngineConnection engine, string id) : IAsyncDisposable
{
    public string Id => id;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await engine.Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = false }, CancellationToken.None);
        }
        catch (DockerApiException)
        {
            // The janitor removes it later by its label and expiry.
        }
    }
}
