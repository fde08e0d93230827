using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// For commands that start or use a sandbox without the full static gate (`start`, `demo`, `collect`): the
/// resolved policy, with its notices said as warnings and any refused loosening as one coded error.
/// </summary>
public static class PolicyForCommand
{
    public static SandboxPolicy Resolve(TrustedPolicyInputs inputs, string sourceDirectory, ISandboxLog log)
    {
        var resolution = PolicyResolver.Resolve(inputs, sourceDirectory);
        foreach (var notice in resolution.Notices)
        {
            log.Warning(notice.Code, notice.Message, notice.Location);
        }

        if (resolution.Refused)
        {
            var first = resolution.Refusals[0];
            throw new SandboxException(first.Code, first.Describe(), location: first.Location)
            {
                Problems = resolution.Refusals.Select(r => (r.Describe(), r.Location)).ToArray(),
            };
        }

        return resolution.Policy;
    }
}
