using System.Formats.Tar;
using System.Text;
using Docker.DotNet.Models;
using SandboxBuild.Engine;

namespace SandboxBuild.IntegrationTests;

/// <summary>
/// Images and volumes a hostile party could make with engine access: built FROM the baked image (so they
/// inherit its label) with planted files, committed from a container that never runs. Removed afterwards.
/// </summary>
internal sealed class DerivedImage : IAsyncDisposable
{
    private readonly EngineConnection _engine;

    private DerivedImage(EngineConnection engine, string id, string tag)
    {
        _engine = engine;
        Id = id;
        Tag = tag;
    }

    public string Id { get; }

    public string Tag { get; }

    public static async Task<DerivedImage> CreateAsync(EngineConnection engine, string baseImage, IReadOnlyDictionary<string, string> files, string repository = "sandboxbuild-it/derived")
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
                Tag = tag,
                Comment = "a hostile image for a SandboxBuild test",
            });
            return new DerivedImage(engine, committed.ID, $"{repository}:{tag}");
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
        try
        {
            await _engine.Client.Images.DeleteImageAsync(Id, new ImageDeleteParameters { Force = true });
        }
        catch (Docker.DotNet.DockerApiException)
        {
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
