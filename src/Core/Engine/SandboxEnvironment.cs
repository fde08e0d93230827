using SandboxBuild.Policy;

namespace SandboxBuild.Engine;

/// <summary>
/// The sandbox's environment, built from nothing: the settings .NET needs to run offline and quietly, the
/// host variables the policy names explicitly, and the policy's fixed values. The host environment as a
/// whole never crosses.
/// </summary>
public static class SandboxEnvironment
{
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["HOME"] = SandboxPolicy.SandboxHome,
        ["DOTNET_CLI_HOME"] = SandboxPolicy.SandboxHome,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
        ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
        ["DOTNET_SKIP_WORKLOAD_INTEGRITY_CHECK"] = "1",
        ["DOTNET_ADD_GLOBAL_TOOLS_TO_PATH"] = "0",
        ["NUGET_XMLDOC_MODE"] = "skip",
        ["SANDBOXBUILD_INSIDE"] = "1",
    };

    public static IReadOnlyDictionary<string, string> Build(SandboxPolicy policy, SandboxLayout layout, Func<string, string?> hostVariable)
    {
        var env = new SortedDictionary<string, string>(Defaults.ToDictionary(), StringComparer.Ordinal);
        if (layout.PackageFolders.Count > 0)
        {
            env["NUGET_PACKAGES"] = SandboxLayout.PackageTarget(0);
        }

        foreach (var name in policy.EnvAllow)
        {
            if (hostVariable(name) is { } value)
            {
                env[name] = value;
            }
        }

        foreach (var (name, value) in policy.EnvSet)
        {
            env[name] = value;
        }

        return env;
    }

    public static IList<string> ToList(IReadOnlyDictionary<string, string> env) => env.Select(e => $"{e.Key}={e.Value}").ToList();
}
