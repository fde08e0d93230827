using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Win32.SafeHandles;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;
using SandboxBuild.Probing;

namespace SandboxBuild.Artifacts;

/// <summary>
/// The one way anything leaves a sandbox. It runs after the sandbox has stopped, walks the output folder
/// through open folder handles without ever following a link, and copies only regular, singly-linked files
/// on the same mount, with sane names, within the limits, and free of secrets, into a fresh folder. Every
/// file is read once: the bytes that are hashed, scanned and written are the same bytes.
/// </summary>
public sealed class Collector
{
    private const int MaxDepth = 64;
    private const int MaxLoggedRefusals = 50;

    private readonly ArtifactPolicy _policy;
    private readonly SecretScanner _scanner;
    private readonly ISandboxLog _log;
    private readonly Matcher? _include;
    private readonly List<PublishedFile> _published = [];
    private readonly List<Refusal> _refused = [];
    private readonly List<SecretFinding> _secrets = [];
    private readonly HashSet<string> _caseFolded = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();
    private Channel<CopyJob>? _jobs;
    private int _reservedFiles;
    private IReadOnlyDictionary<string, int> _floodedFolders = new Dictionary<string, int>();
    private int _notDeclared;
    private long _total;
    private ulong _rootMount;

    public Collector(ArtifactPolicy policy, IEnumerable<string> canaries, ISandboxLog log)
    {
        _policy = policy;
        _scanner = new SecretScanner(canaries);
        _log = log;
        if (policy.Include.Count > 0)
        {
            _include = new Matcher(StringComparison.Ordinal);
            _include.AddIncludePatterns(policy.Include);
        }
    }

    public CollectionResult Collect(string outputDirectory, string publishDirectory)
    {
        var clock = Stopwatch.StartNew();
        Directory.CreateDirectory(publishDirectory);
        var root = NativeFiles.OpenDirectory(outputDirectory);
        if (root < 0)
        {
            throw new SandboxException(Codes.ArtifactUnreadable, $"The output folder cannot be opened: {NativeFiles.LastError()}.");
        }

        // The walk decides, in order, on one thread; copying (hash, scan, write) runs on every core.
        _jobs = Channel.CreateBounded<CopyJob>(new BoundedChannelOptions(64) { SingleWriter = true });
        var workers = Enumerable.Range(0, Math.Max(2, Environment.ProcessorCount)).Select(_ => Task.Run(CopyAllAsync)).ToArray();
        try
        {
            LinuxStat.TryFstat(root, out var rootStat, out _);
            _rootMount = rootStat.MountId;
            _floodedFolders = FolderCensus.OverLimit(FolderCensus.Count(root, _rootMount, _include, MaxDepth), _policy.MaxFiles);
            Walk(root, "", publishDirectory, 0);
        }
        finally
        {
            _jobs.Writer.Complete();
            NativeFiles.close(root);
            try
            {
                Task.WaitAll(workers);
            }
            catch (AggregateException e) when (e.InnerExceptions.Count == 1)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }

        return new CollectionResult
        {
            Published = _published,
            Refused = _refused,
            Secrets = _secrets,
            NotDeclared = _notDeclared,
            TotalBytes = _total,
            Duration = clock.Elapsed,
        };
    }

    private void Walk(int directory, string relative, string publishRoot, int depth)
    {
        foreach (var rawName in NativeFiles.ListNames(directory))
        {
            var display = ArtifactNames.Join(relative, SafeText.Escape(rawName));
            if (!ArtifactNames.IsAcceptable(rawName, out var name, out var why))
            {
                Refuse(display, why, Codes.ArtifactBadName);
                continue;
            }

            var path = ArtifactNames.Join(relative, name);
            if (!NativeFiles.TryStatAt(directory, rawName, out var stat))
            {
                Refuse(display, $"cannot be examined: {NativeFiles.LastError()}", Codes.ArtifactUnreadable);
                continue;
            }

            switch (stat.Kind)
            {
                case FileKind.Symlink:
                    Refuse(display, $"a symbolic link (to {SafeText.Escape(NativeFiles.ReadLinkAt(directory, rawName) ?? "?")}); links are never followed", Codes.ArtifactSymlink);
                    break;
                case FileKind.Directory when stat.MountId != _rootMount:
                    Refuse(display, "a different mount", Codes.ArtifactSpecialFile);
                    break;
                case FileKind.Directory when depth >= MaxDepth:
                    Refuse(display, $"nested deeper than {MaxDepth} folders", Codes.ArtifactLimit);
                    break;
                case FileKind.Directory when _floodedFolders.TryGetValue(path, out var count):
                    Refuse(display, $"a folder of {count} files: the output holds more than the limit of {_policy.MaxFiles} files, and this folder is the largest part of it", Codes.ArtifactLimit);
                    break;
                case FileKind.Directory:
                    var child = NativeFiles.OpenDirectoryAt(directory, rawName);
                    if (child < 0)
                    {
                        Refuse(display, $"cannot be opened: {NativeFiles.LastError()}", Codes.ArtifactUnreadable);
                        break;
                    }

                    try
                    {
                        Walk(child, path, publishRoot, depth + 1);
                    }
                    finally
                    {
                        NativeFiles.close(child);
                    }

                    break;
                case FileKind.Regular:
                    CollectFile(directory, rawName, path, display, stat, publishRoot);
                    break;
                default:
                    Refuse(display, $"a {Describe(stat.Kind)}, not a regular file", Codes.ArtifactSpecialFile);
                    break;
            }
        }
    }

    private void CollectFile(int directory, byte[] rawName, string path, string display, FileStat stat, string publishRoot)
    {
        if (_include is not null && !_include.Match(path).HasMatches)
        {
            _notDeclared++;
            return;
        }

        if (stat.Links != 1)
        {
            Refuse(display, $"a hard link ({stat.Links} names for one file)", Codes.ArtifactSpecialFile);
            return;
        }

        if (stat.MountId != _rootMount)
        {
            Refuse(display, "on a different mount", Codes.ArtifactSpecialFile);
            return;
        }

        if (stat.Size > _policy.MaxFileSize)
        {
            Refuse(display, $"{Quantities.FormatBytes(stat.Size)} is over the single-file limit of {Quantities.FormatBytes(_policy.MaxFileSize)}", Codes.ArtifactLimit);
            return;
        }

        if (_reservedFiles >= _policy.MaxFiles)
        {
            Refuse(display, $"over the limit of {_policy.MaxFiles} files", Codes.ArtifactLimit);
            return;
        }

        if (Interlocked.Read(ref _total) + stat.Size > _policy.MaxTotalSize)
        {
            Refuse(display, $"would pass the total limit of {Quantities.FormatBytes(_policy.MaxTotalSize)}", Codes.ArtifactLimit);
            return;
        }

        if (!Locked(() => _caseFolded.Add(path)))
        {
            Refuse(display, "differs only by case from a published file", Codes.ArtifactCaseCollision);
            return;
        }

        var fd = NativeFiles.OpenFileAt(directory, rawName);
        if (fd < 0)
        {
            Locked(() => _caseFolded.Remove(path));
            Refuse(display, $"cannot be opened: {NativeFiles.LastError()}", Codes.ArtifactUnreadable);
            return;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        // What was opened must be what was examined: the same regular file, not something swapped in between.
        if (!LinuxStat.TryFstat(fd, out var opened, out _) || opened.Kind != FileKind.Regular || opened.Inode != stat.Inode
            || opened.MountId != stat.MountId || opened.Links != 1)
        {
            handle.Dispose();
            Locked(() => _caseFolded.Remove(path));
            Refuse(display, "changed while it was being collected", Codes.ArtifactSpecialFile);
            return;
        }

        _reservedFiles++;
        Interlocked.Add(ref _total, stat.Size);
        var target = Path.Combine(publishRoot, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        _jobs!.Writer.WriteAsync(new CopyJob(handle, path, display, stat.Size, target)).AsTask().GetAwaiter().GetResult();
    }

    private sealed record CopyJob(SafeFileHandle Handle, string Path, string Display, long Size, string Target);

    private async Task CopyAllAsync()
    {
        var copier = new ScannedCopy(_scanner);
        await foreach (var job in _jobs!.Reader.ReadAllAsync())
        {
            using (job.Handle)
            {
                Finish(job, copier.Copy(job.Handle, job.Size, job.Target + ".sandboxbuild-partial", SecretScanner.IsConfigFile(job.Path)));
            }
        }
    }

    private void Finish(CopyJob job, CopyOutcome outcome)
    {
        var partial = job.Target + ".sandboxbuild-partial";
        var block = outcome.Hits.Count > 0 && _policy.Secrets == SecretAction.Block;
        if (outcome.SizeChanged || block)
        {
            File.Delete(partial);
            Interlocked.Add(ref _total, -job.Size);
        }

        if (outcome.SizeChanged)
        {
            Refuse(job.Display, "changed size while it was being collected", Codes.ArtifactSpecialFile);
            return;
        }

        foreach (var hit in outcome.Hits.DistinctBy(h => (h.Rule, h.Line)))
        {
            Locked(() => _secrets.Add(new SecretFinding(job.Display, hit.Line, hit.Rule, hit.Title, hit.Masked, block)));
            var message = $"{job.Display}:{hit.Line}: {hit.Title} ({hit.Masked}){(block ? "; the file was not published" : "")}.";
            if (block)
            {
                _log.Error(Codes.SecretInArtifact, message);
            }
            else
            {
                _log.Warning(Codes.SecretInArtifact, message);
            }
        }

        if (!block)
        {
            File.Move(partial, job.Target);
            Locked(() => _published.Add(new PublishedFile(job.Path, job.Size, outcome.Sha256)));
        }
    }

    private T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return action();
        }
    }

    private void Locked(Action action)
    {
        lock (_gate)
        {
            action();
        }
    }

    private void Refuse(string display, string reason, SandboxCode code)
    {
        var count = Locked(() =>
        {
            _refused.Add(new Refusal(display, reason, code));
            return _refused.Count;
        });
        if (count <= MaxLoggedRefusals)
        {
            _log.Warning(code, $"Refused '{display}': {reason}.");
        }
        else if (count == MaxLoggedRefusals + 1)
        {
            _log.Warning(code, "More refusals follow; the manifest lists them all.");
        }
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "FIFO",
        FileKind.Socket => "socket",
        FileKind.CharDevice => "character device",
        FileKind.BlockDevice => "block device",
        _ => "special file",
    };
}
