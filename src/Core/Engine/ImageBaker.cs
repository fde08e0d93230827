using System.Formats.Tar;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet.Models;
using SandboxBuild.Diagnostics;
using SandboxBuild.Host;

namespace SandboxBuild.Engine;

public sealed record BakeOptions
{
    public string Tag { get; init; } = DefaultTag;

    public string Suite { get; init; } = "bookworm";

    public string? Mirror { get; init; }

    public string? DotnetRoot { get; init; }

    public bool Force { get; init; }

    /// <summary>Record the image the tag holds now as the baked one, without baking: the user vouches for it.</summary>
    public bool Adopt { get; init; }

    public string CacheDirectory { get; init; } = "/var/cache/sandboxbuild";

    public static string DefaultTag => $"sandboxbuild/sdk:{Environment.Version.Major}.{Environment.Version.Minor}";
}

/// <summary>
/// Builds the sandbox image with no registry at all: a minimal Debian root filesystem from debootstrap (from
/// the machine's own Debian mirror), the libraries .NET needs, the host's own .NET SDK, and a non-root user.
/// The tar stream goes straight to the engine's import; nothing is staged on disk but the cached rootfs.
/// </summary>
public static class ImageBaker
{
    /// <summary>
    /// Debian 12 packages beyond minbase: what the official runtime-deps image installs (ca-certificates, ICU,
    /// OpenSSL, libgcc, libstdc++, tzdata), what its SDK image adds that works offline (git for MinVer,
    /// Nerdbank.GitVersioning and GitVersion; libatomic1), and GSSAPI for Negotiate authentication. README.md
    /// ("The baked image") justifies each difference from the official image.
    /// </summary>
    public static readonly IReadOnlyList<string> Packages =
        ["ca-certificates", "libicu72", "libssl3", "zlib1g", "libgcc-s1", "libstdc++6", "tzdata", "libgssapi-krb5-2", "git", "libatomic1"];
    private static readonly string[] SkippedContent = ["dev", "proc", "sys", "run", "tmp", "var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man"];

    public static async Task<ResolvedImage> BakeAsync(EngineConnection engine, BakeOptions options, ISandboxLog log, CancellationToken cancellationToken)
    {
        if (!options.Force && await ImageResolver.InspectAsync(engine, options.Tag, cancellationToken) is { } existing)
        {
            return await KeepExistingAsync(engine, options, existing, log, cancellationToken);
        }

        if (options.Adopt)
        {
            throw new SandboxException(Codes.InvalidInput, $"There is no image {options.Tag} to adopt.", "Run `sandboxbuild bake` to bake it.");
        }

        var dotnetRoot = LocateSdk(options.DotnetRoot);
        var rootfs = await EnsureRootfsAsync(options, log, cancellationToken);
        var sdkVersion = Directory.GetDirectories(Path.Combine(dotnetRoot, "sdk")).Select(Path.GetFileName).Max(StringComparer.Ordinal) ?? "unknown";

        log.Info($"Importing {options.Tag}: Debian {options.Suite} + .NET SDK {sdkVersion} from {dotnetRoot} ...");
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 8 << 20, resumeWriterThreshold: 4 << 20));
        var writing = Task.Run(async () =>
        {
            try
            {
                await WriteImageTarAsync(pipe.Writer.AsStream(), rootfs, dotnetRoot, cancellationToken);
                await pipe.Writer.CompleteAsync();
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e);
                throw;
            }
        }, cancellationToken);

        var (repository, tag) = SplitTag(options.Tag);
        string? error = null;
        await engine.Client.Images.CreateImageAsync(
            new ImagesCreateParameters
            {
                FromSrc = "-",
                Repo = repository,
                Tag = tag,
                Message = $"sandboxbuild bake: Debian {options.Suite}, .NET SDK {sdkVersion}",
                Changes =
                [
                    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "ENV DOTNET_ROOT=/usr/share/dotnet",
                    "ENV DOTNET_NOLOGO=1",
                    "ENV DOTNET_CLI_TELEMETRY_OPTOUT=1",
                    // As the official SDK image sets them.
                    "ENV DOTNET_RUNNING_IN_CONTAINER=true",
                    "ENV DOTNET_USE_POLLING_FILE_WATCHER=true",
                    "ENV DOTNET_GENERATE_ASPNET_CERTIFICATE=false",
                    "ENV NUGET_XMLDOC_MODE=skip",
                    "USER 1000:1000",
                    "WORKDIR /workspace",
                    $"LABEL {ImageResolver.BakedLabel}=true",
                    $"LABEL dev.sandboxbuild.sdk={sdkVersion}",
                    $"LABEL dev.sandboxbuild.suite={options.Suite}",
                ],
            },
            pipe.Reader.AsStream(),
            null,
            new Progress<JSONMessage>(m => error ??= m.Error?.Message),
            cancellationToken);
        await writing;

        if (error is not null || await ImageResolver.InspectAsync(engine, options.Tag, cancellationToken) is not { } baked)
        {
            throw new SandboxException(Codes.BakeFailed, $"The engine did not import the image: {error ?? "no image after import"}.");
        }

        // The fallback uses exactly this ID from now on, whatever the tag or the label later say.
        await BakedImageRecord.WriteAsync(engine, baked, options.Tag, cancellationToken);
        log.Info($"Baked {options.Tag} ({baked.Id[..19]}); recorded in {BakedImageRecord.FilePath}.");
        return baked with { Reference = baked.Id, Baked = true };
    }

    /// <summary>
    /// An image already holds the tag: it is the baked one only if bake recorded exactly its ID (or the user
    /// adopts it now). Anyone able to build an image could have put an image with our label under that tag.
    /// </summary>
    private static async Task<ResolvedImage> KeepExistingAsync(EngineConnection engine, BakeOptions options, ResolvedImage existing, ISandboxLog log, CancellationToken cancellationToken)
    {
        if (await BakedImageRecord.ReadAsync(engine, cancellationToken) is { } record && record.Id == existing.Id)
        {
            log.Info($"The image {options.Tag} is already baked ({existing.Id[..19]}); use --force to bake it again.");
            return existing with { Reference = existing.Id, Baked = true };
        }

        if (!options.Adopt)
        {
            throw new SandboxException(Codes.BakedImageNotRecorded,
                $"The image {options.Tag} ({existing.Id[..19]}) exists, but bake did not record it, so it is not used as the baked image.");
        }

        await BakedImageRecord.WriteAsync(engine, existing, options.Tag, cancellationToken);
        log.Warning(Codes.BakedImageNotRecorded, $"Adopted {options.Tag} ({existing.Id[..19]}) as the baked image on your word; recorded in {BakedImageRecord.FilePath}.");
        return existing with { Reference = existing.Id, Baked = true };
    }

    private static string PackageListKey() =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', Packages))))[..8];

    public static string LocateSdk(string? configured)
    {
        var candidates = new[]
        {
            configured,
            Environment.GetEnvironmentVariable("DOTNET_ROOT"),
            // The runtime this process runs on lives at <root>/shared/Microsoft.NETCore.App/<version>/.
            Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..")),
            "/usr/share/dotnet",
            "/usr/lib/dotnet",
        };
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && Directory.Exists(Path.Combine(c, "sdk")) && File.Exists(Path.Combine(c, "dotnet")))
            ?? throw new SandboxException(Codes.SdkNotFound, "No .NET SDK was found to put into the image (looked at DOTNET_ROOT, the running runtime, /usr/share/dotnet).");
    }

    private static async Task<string> EnsureRootfsAsync(BakeOptions options, ISandboxLog log, CancellationToken cancellationToken)
    {
        // Named by its package list, so a changed list makes a new root filesystem instead of reusing an old one.
        var rootfs = Path.Combine(options.CacheDirectory, $"rootfs-{options.Suite}-{PackageListKey()}");
        if (File.Exists(Path.Combine(rootfs, ".sandboxbuild-complete")) && !options.Force)
        {
            log.Info($"Using the cached root filesystem {rootfs}.");
            return rootfs;
        }

        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess || !File.Exists("/usr/sbin/debootstrap"))
        {
            throw new SandboxException(Codes.BakePrerequisite,
                $"Baking runs debootstrap, which needs Linux, root and the debootstrap package (root: {Environment.IsPrivilegedProcess}, debootstrap: {File.Exists("/usr/sbin/debootstrap")}).");
        }

        var staging = rootfs + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(options.CacheDirectory);
        var mirror = options.Mirror ?? DebianMirror.FromAptSources() ?? "http://deb.debian.org/debian";
        log.Info($"Creating a Debian {options.Suite} root filesystem with debootstrap from {mirror} (about a minute) ...");
        var exit = await ProcessRunner.RunAsync(
            "/usr/sbin/debootstrap",
            ["--variant=minbase", $"--include={string.Join(',', Packages)}", options.Suite, staging, mirror],
            line => log.Detail($"debootstrap: {line}"),
            cancellationToken);
        if (exit != 0)
        {
            throw new SandboxException(Codes.BakeFailed, $"debootstrap exited with {exit}; run with --verbose to see its output.");
        }

        if (Directory.Exists(rootfs))
        {
            Directory.Delete(rootfs, recursive: true);
        }

        Directory.Move(staging, rootfs);
        await File.WriteAllTextAsync(Path.Combine(rootfs, ".sandboxbuild-complete"), mirror, cancellationToken);
        return rootfs;
    }

    private static async Task WriteImageTarAsync(Stream output, string rootfs, string dotnetRoot, CancellationToken cancellationToken)
    {
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: false);
        foreach (var (path, name) in Walk(rootfs, ""))
        {
            if (name is "etc/passwd" or "etc/group")
            {
                await WriteTextEntryAsync(writer, name, File.ReadAllText(path) + (name == "etc/passwd"
                    ? "sandbox:x:1000:1000:SandboxBuild sandbox:/home/sandbox:/bin/bash\n"
                    : "sandbox:x:1000:\n"), cancellationToken);
                continue;
            }

            await writer.WriteEntryAsync(path, name, cancellationToken);
        }

        foreach (var (path, name) in Walk(dotnetRoot, "usr/share/dotnet"))
        {
            await writer.WriteEntryAsync(path, name, cancellationToken);
        }

        await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "usr/bin/dotnet") { LinkName = "/usr/share/dotnet/dotnet" }, cancellationToken);
        foreach (var folder in new[] { "workspace", "home/sandbox", "opt/sandboxbuild" })
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, folder) { Mode = (UnixFileMode)0b111_101_101 }, cancellationToken);
        }
    }

    private static async Task WriteTextEntryAsync(TarWriter writer, string name, string text, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = (UnixFileMode)0b110_100_100,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)),
        };
        await writer.WriteEntryAsync(entry, cancellationToken);
    }

    private static IEnumerable<(string Path, string Name)> Walk(string root, string prefix)
    {
        var pending = new Stack<(string Path, string Name)>();
        pending.Push((root, prefix));
        while (pending.Count > 0)
        {
            var (path, name) = pending.Pop();
            if (name.Length > 0)
            {
                yield return (path, name);
            }

            var info = new DirectoryInfo(path);
            if (!info.Exists || info.LinkTarget is not null || (prefix.Length == 0 && SkippedContent.Contains(name)))
            {
                continue;
            }

            foreach (var child in info.EnumerateFileSystemInfos().OrderByDescending(c => c.Name, StringComparer.Ordinal))
            {
                if (child.Name == ".sandboxbuild-complete")
                {
                    continue;
                }

                pending.Push((child.FullName, name.Length == 0 ? child.Name : $"{name}/{child.Name}"));
            }
        }
    }

    private static (string Repository, string Tag) SplitTag(string reference)
    {
        var colon = reference.LastIndexOf(':');
        return colon > reference.LastIndexOf('/') ? (reference[..colon], reference[(colon + 1)..]) : (reference, "latest");
    }
}
