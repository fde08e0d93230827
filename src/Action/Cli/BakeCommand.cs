using System.CommandLine;
using SandboxBuild.Engine;

namespace SandboxBuild.Cli;

/// <summary>`sandboxbuild bake`: build the sandbox image with no registry (debootstrap + the host's .NET SDK).</summary>
internal static class BakeCommand
{
    public static Command Create()
    {
        var tag = new Option<string>("--tag") { Description = "The image tag.", DefaultValueFactory = _ => BakeOptions.DefaultTag };
        var suite = new Option<string>("--suite") { Description = "The Debian release.", DefaultValueFactory = _ => "bookworm" };
        var mirror = new Option<string?>("--mirror") { Description = "The Debian mirror. Default: the one apt already uses." };
        var dotnetRoot = new Option<string?>("--dotnet-root") { Description = "The SDK to copy in. Default: the one running this command." };
        var force = new Option<bool>("--force") { Description = "Bake again even if the image exists (and refresh the cached root filesystem)." };
        var ifMissing = new Option<bool>("--if-missing") { Description = "Do nothing when the image bake recorded exists already." };
        var adopt = new Option<bool>("--adopt") { Description = "Record the image the tag holds now as the baked one, without baking (you vouch that bake built it)." };
        var bake = new Command("bake", "Build the sandbox image offline: a Debian root filesystem from debootstrap, the libraries .NET needs, and this machine's .NET SDK.")
        {
            tag, suite, mirror, dotnetRoot, force, ifMissing, adopt,
        };
        CommandHost.SetAction(bake, async (result, log, cancellationToken) =>
        {
            using var engine = await EngineConnection.ConnectAsync(log, cancellationToken);
            if (result.GetValue(ifMissing) && await ImageResolver.FindBakedAsync(engine, cancellationToken) is { } existing)
            {
                log.Info($"The recorded baked image exists: {existing.Id[..19]}.");
                return 0;
            }

            await ImageBaker.BakeAsync(engine, new BakeOptions
            {
                Tag = result.GetValue(tag)!,
                Suite = result.GetValue(suite)!,
                Mirror = result.GetValue(mirror),
                DotnetRoot = result.GetValue(dotnetRoot),
                Force = result.GetValue(force),
                Adopt = result.GetValue(adopt),
            }, log, cancellationToken);
            return 0;
        });
        return bake;
    }
}
