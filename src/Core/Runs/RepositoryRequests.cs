using SandboxBuild.Diagnostics;

namespace SandboxBuild.Runs;

/// <summary>
/// Settings the repository's own MSBuild files asked for (`--repository-setting KEY=VALUE`). They are untrusted
/// requests: the policy floor's tighten-only merge decides what applies. Until that merge is wired into the
/// run pipeline they are shown and none is applied, so a repository can never loosen the sandbox through them.
/// </summary>
internal static class RepositoryRequests
{
    public static void Log(IReadOnlyList<string> settings, ISandboxLog log)
    {
        foreach (var setting in settings)
        {
            log.Info($"The repository's files ask for {SafeText.Escape(setting)}; a repository may only tighten the sandbox, and this request is not applied on its own.");
        }
    }
}
