namespace SandboxBuild.Host;

/// <summary>
/// An exclusive advisory lock on a file (flock on Linux, through FileShare.None), released when disposed or when
/// the process ends: for work that two SandboxBuild processes must not do at once.
/// </summary>
public sealed class ExclusiveFileLock : IDisposable
{
    private readonly FileStream _file;

    private ExclusiveFileLock(FileStream file) => _file = file;

    /// <param name="onWait">Called once, when the lock is held by another process and this one starts waiting.</param>
    public static async Task<ExclusiveFileLock> AcquireAsync(string path, Action onWait, CancellationToken cancellationToken)
    {
        var waiting = false;
        while (true)
        {
            try
            {
                return new ExclusiveFileLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException)
            {
                if (!waiting)
                {
                    onWait();
                    waiting = true;
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
