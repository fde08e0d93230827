using System.Formats.Tar;
using System.Text;
using Docker.DotNet.Models;
using SandboxBuild.Engine;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Images a hostile party could make with engine access: built FROM the baked image with planted files,
/// committed from a container that never runs, removed afterwards. The engine is shared with other test
/// runs, whose code may still pick "the newest image with the baked label": so only an image that must
/// carry the label keeps it and a tag, and only for as long as its test needs.
/// </summary>
internal sealed class DerivedImage : IAsyncDisposable
{
    private readonly EngineConnection _engine;

    private DerivedImage(EngineConnection engine, string id, string? tag)
    {
        _engine = engine;
        Id = id;
        Tag = tag;
    }

    public string Id { get; }

    /// <summary>The tag, for an image created with a repository name; else null (referenced by its ID only).</summary>
    public string? Tag { get; }

    /// <param name="repository">Tag it (`repository:random`); null leaves it untagged.</param>
    /// <param name="keepBakedLabel">Keep the label inherited from the baked image; otherwise it says baked=false.</param>
    public static async Task<DerivedImage> CreateAsync(
        EngineConnection engine, string baseImage, IReadOnlyDictionary<string, string> files, string? repository = null, bool keepBakedLabel = false)
    {
        var container = await engine.Client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = baseImage,
            Entrypoint = ["/bin/true"],
            Labels = new Dictionary<string, string> { [SandboxLabels.Managed] = "true", [SandboxLabels.Kind] = "test-image-builder" },
            HostConfig = new HostConfig { NetworkMode = "none" },
        });
        try
        {
            if (files.Count > 0)
            {
                using var archive = Tar(files);
                await engine.Client.Containers.ExtractArchiveToContainerAsync(container.ID, new CopyToContainerParameters { Path = "/" }, archive);
            }

            var tag = Guid.NewGuid().ToString("N")[..12];
            var committed = await engine.Client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = container.ID,
                RepositoryName = repository,
                Tag = repository is null ? null! : tag,
                Comment = "a hostile image for a SandboxBuild test",
                Labels = keepBakedLabel ? null! : new Dictionary<string, string> { [ImageResolver.BakedLabel] = "false" },
            });
            return new DerivedImage(engine, committed.ID, repository is null ? null : $"{repository}:{tag}");
        }
        finally
        {
            await engine.Client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true });
        }
    }

    public static MemoryStream Tar(IReadOnlyDictionary<string, string> files)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var folder in files.Keys.SelectMany(Parents).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder) { Mode = (UnixFileMode)0b111_101_101 });
            }

            foreach (var (path, content) in files)
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path.TrimStart('/'))
                {
                    Mode = (UnixFileMode)0b110_100_100,
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                });
            }
        }

        stream.Position = 0;
        return stream;
    }

    public async ValueTask DisposeAsync()
    {
        // The tag first: untagging works even while a container uses the image, so nothing finds it any more.
        foreach (var reference in new[] { Tag, Id }.OfType<string>())
        {
            try
            {
                await _engine.Client.Images.DeleteImageAsync(reference, new ImageDeleteParameters { Force = true });
            }
            catch (Docker.DotNet.DockerApiException)
            {
                // In use by a container the janitor will remove; untagged, nothing picks it up.
            }
        }
    }

    private static IEnumerable<string> Parents(string path)
    {
        var parts = path.Trim('/').Split('/');
        for (var i = 1; i < parts.Length; i++)
        {
            yield return string.Join('/', parts[..i]);
        }
    }
}
