using SandboxBuild.Diagnostics;

namespace SandboxBuild.Runs;

/// <summary>
/// One run at a time in a warm sandbox. Two runs in the same one would end each other's processes (every run
/// first ends what is left running) and mix their outputs: `dotnet test` of a solution starts one run per test
/// project at once. An exclusive lock file in the repository's private state folder serialises them.
/// </summary>
internal sealed class WarmLock : IDisposable
{
    private readonly Host.ExclusiveFileLock _lock;

    private WarmLock(Host.ExclusiveFileLock held) => _lock = held;

    public static async Task<WarmLock> AcquireAsync(StatePaths state, string agent, ISandboxLog log, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(state.Root, "sessions");
        StatePaths.CreatePrivate(folder);
        var path = Path.Combine(folder, $"{string.Concat(agent.Where(char.IsAsciiLetterOrDigit))}.lock");
        return new WarmLock(await Host.ExclusiveFileLock.AcquireAsync(path,
            () => log.Info($"Waiting for warm sandbox '{agent}': another run of this repository is using it."), cancellationToken));
    }

    public void Dispose() => _lock.Dispose();
}
