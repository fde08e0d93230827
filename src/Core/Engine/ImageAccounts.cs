using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using SandboxBuild.Policy;

namespace SandboxBuild.Engine;

/// <summary>
/// An image's /etc/passwd and /etc/group, read through the engine from a container that is created but never
/// started: the image's code does not run. Anything but two regular files (a link, a missing file) is
/// unknown, and an unknown user fails the gate.
/// </summary>
public static class ImageAccounts
{
    public static async Task<UserAccounts?> TryReadAsync(EngineConnection engine, string image, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ContainerFiles.CreateOffAsync(engine, image, [], cancellationToken);
            var passwd = await RegularFileAsync(engine, reader.Id, "/etc/passwd", cancellationToken);
            var group = await RegularFileAsync(engine, reader.Id, "/etc/group", cancellationToken);
            return passwd is null || group is null ? null : UserAccounts.Parse(passwd, group);
        }
        catch (Exception e) when (e is DockerApiException or InvalidDataException or IOException)
        {
            return null;
        }
    }

    private static async Task<string?> RegularFileAsync(EngineConnection engine, string container, string path, CancellationToken cancellationToken) =>
        await ContainerFiles.ReadAsync(engine, container, path, cancellationToken, maxBytes: 4 << 20) is [{ Type: TarEntryType.RegularFile or TarEntryType.V7RegularFile } file]
            ? Encoding.UTF8.GetString(file.Content)
            : null;
}
