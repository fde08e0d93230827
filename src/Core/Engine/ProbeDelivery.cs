using System.Text;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Engine;

/// <summary>
/// Brings the probe into a sandbox SandboxBuild did not create (one without the probe volume): its files are
/// streamed through exec into a fresh folder in a writable in-memory folder of the container (no copy API can
/// write into a tmpfs, nor into a read-only root), run from there by absolute path, and removed afterwards.
/// Such a container may already run code as the same user, so there the probe is evidence gathered the way any
/// `exec` into it would be, and `docker inspect` stays the authority; a container made by SandboxBuild runs the
/// probe from its read-only volume instead.
/// </summary>
public static class ProbeDelivery
{
    /// <summary>Places the probe's files; returns the folder, or throws SBX2119 naming every place tried and why it failed.</summary>
    public static async Task<string> PlaceAsync(EngineConnection engine, string containerId, IReadOnlyList<string> scratch, CancellationToken cancellationToken)
    {
        var files = Directory.GetFiles(ProbeVolume.LocateFiles()).Order(StringComparer.Ordinal).ToArray();
        var tried = new List<string>();
        foreach (var place in scratch)
        {
            var folder = $"{place.TrimEnd('/')}/.sandboxbuild-probe-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}";
            var (code, error) = await ExecAsync(engine, containerId, ["/bin/sh", "-c", "umask 022 && mkdir \"$1\"", "sh", folder], null, cancellationToken);
            if (code != 0)
            {
                tried.Add($"{place}: {SafeText.Escape(error.Trim(), 200)} (exit {code})");
                continue;
            }

            foreach (var file in files)
            {
                (code, error) = await ExecAsync(engine, containerId, ["/bin/sh", "-c", "cat > \"$1\"", "sh", $"{folder}/{Path.GetFileName(file)}"],
                    await File.ReadAllBytesAsync(file, cancellationToken), cancellationToken);
                if (code != 0)
                {
                    throw new SandboxException(Codes.ProbeNotPlaced, $"The probe could not be written to {folder}: {SafeText.Escape(error.Trim(), 200)} (exit {code}).");
                }
            }

            return folder;
        }

        throw new SandboxException(Codes.ProbeNotPlaced,
            tried.Count == 0 ? "The container has no writable in-memory folder (tmpfs or /dev/shm) for the probe." : $"No place for the probe: {string.Join("; ", tried)}.");
    }

    public static async Task RemoveAsync(EngineConnection engine, string containerId, string folder)
    {
        try
        {
            await ExecAsync(engine, containerId, ["/bin/rm", "-rf", folder], null, CancellationToken.None);
        }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or HttpRequestException or IOException)
        {
            // The container is gone or stopped: so is its in-memory folder.
        }
    }

    private static async Task<(long Code, string Error)> ExecAsync(EngineConnection engine, string containerId, IList<string> command, byte[]? input, CancellationToken cancellationToken)
    {
        var exec = await engine.Client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            AttachStdin = input is not null,
            AttachStdout = true,
            AttachStderr = true,
            Cmd = command,
        }, cancellationToken);
        var stderr = new StringBuilder();
        using (var stream = await engine.Client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters { Detach = false }, cancellationToken))
        {
            if (input is not null)
            {
                await stream.WriteAsync(input, 0, input.Length, cancellationToken);
                stream.CloseWrite();
            }

            var buffer = new byte[8192];
            while (true)
            {
                var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
                if (read.EOF)
                {
                    break;
                }

                if (read.Target == Docker.DotNet.MultiplexedStream.TargetStream.StandardError && stderr.Length < 2000)
                {
                    stderr.Append(Encoding.UTF8.GetString(buffer, 0, read.Count));
                }
            }
        }

        var inspected = await engine.Client.Exec.InspectContainerExecAsync(exec.ID, CancellationToken.None);
        return (inspected.ExitCode ?? -1, stderr.ToString());
    }
}
