using Docker.DotNet;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;

namespace SandboxBuild.Engine;

/// <summary>An image that is present on the engine, with the identity validation and provenance record.</summary>
public sealed record ResolvedImage(string Reference, string Id, IReadOnlyList<string> RepoDigests, bool Baked)
{
    /// <summary>The registry digest when the image came from one, else the local image ID.</summary>
    public string Digest => RepoDigests.Count > 0 ? RepoDigests[0][(RepoDigests[0].IndexOf('@', StringComparison.Ordinal) + 1)..] : Id;
}

/// <summary>
/// Makes sure the policy's image is present: used as is when it is, pulled when allowed, and for the default
/// image only, replaced by the image `bake` recorded (by its ID) when it cannot be pulled (air-gapped
/// machines, this CI). The baked label is only a description: derived images inherit it.
/// </summary>
public static class ImageResolver
{
    public const string BakedLabel = "dev.sandboxbuild.baked";

    /// <summary>SANDBOXBUILD_PULL=never keeps the engine from contacting any registry.</summary>
    public static bool PullAllowed => !string.Equals(Environment.GetEnvironmentVariable("SANDBOXBUILD_PULL"), "never", StringComparison.OrdinalIgnoreCase);

    public static async Task<ResolvedImage> ResolveAsync(EngineConnection engine, SandboxPolicy policy, ISandboxLog log, CancellationToken cancellationToken)
    {
        if (await InspectAsync(engine, policy.Image, cancellationToken) is { } present)
        {
            WarnIfUnpinned(policy, present, log);
            return present;
        }

        string whyNot;
        if (PullAllowed)
        {
            whyNot = await TryPullAsync(engine, policy.Image, log, cancellationToken) ?? "";
            if (whyNot.Length == 0 && await InspectAsync(engine, policy.Image, cancellationToken) is { } pulled)
            {
                return pulled;
            }
        }
        else
        {
            whyNot = "pulling is disabled (SANDBOXBUILD_PULL=never)";
        }

        if (policy.Image == SandboxPolicy.OfficialImage && await FindBakedAsync(engine, cancellationToken) is { } baked)
        {
            log.Warning(Codes.ImagePullFailedUsingBaked,
                $"The default image could not be used ({whyNot}); using the baked image {baked.Reference} (recorded by `bake`).");
            return baked;
        }

        throw new SandboxException(Codes.ImageUnavailable,
            $"The image '{policy.Image}' is not on the engine and could not be pulled: {whyNot}."
            + (policy.Image == SandboxPolicy.OfficialImage ? " No baked image exists either." : ""),
            location: policy.Origin.Locate("image"));
    }

    public static async Task<ResolvedImage?> InspectAsync(EngineConnection engine, string reference, CancellationToken cancellationToken)
    {
        try
        {
            var image = await engine.Client.Images.InspectImageAsync(reference, cancellationToken);
            return new ResolvedImage(reference, image.ID, image.RepoDigests?.ToArray() ?? [], Baked: false);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The image `bake` recorded for this engine, referenced by its ID so a re-tagged or derived image can
    /// never stand in for it; null when none is recorded or it is gone.
    /// </summary>
    public static async Task<ResolvedImage?> FindBakedAsync(EngineConnection engine, CancellationToken cancellationToken)
    {
        if (await BakedImageRecord.ReadAsync(engine, cancellationToken) is not { } record)
        {
            return null;
        }

        return await InspectAsync(engine, record.Id, cancellationToken) is { } image && image.Id == record.Id
            ? image with { Reference = record.Id, Baked = true }
            : null;
    }

    private static async Task<string?> TryPullAsync(EngineConnection engine, string reference, ISandboxLog log, CancellationToken cancellationToken)
    {
        log.Info($"Pulling {reference} ...");
        string? error = null;
        try
        {
            var progress = new Progress<JSONMessage>(m =>
            {
                if (m.Error?.Message is { Length: > 0 } message)
                {
                    error = message;
                }
            });
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(15));
            await engine.Client.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = reference }, null, progress, timeout.Token);
            return error;
        }
        catch (DockerApiException e)
        {
            return $"the engine said: {FirstLine(e.ResponseBody)}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "the pull took longer than 15 minutes";
        }
    }

    private static void WarnIfUnpinned(SandboxPolicy policy, ResolvedImage image, ISandboxLog log)
    {
        // An image ID is as fixed as a digest.
        if (!policy.Image.Contains("@sha256:", StringComparison.Ordinal) && !policy.Image.StartsWith("sha256:", StringComparison.Ordinal) && !image.Baked)
        {
            log.Warning(Codes.ImageNotPinned, $"The image '{policy.Image}' is referenced by tag; it is {image.Digest}.", policy.Origin.Locate("image"));
        }
    }

    private static string FirstLine(string? text) => (text ?? "").Split('\n', 2)[0].Trim();
}
