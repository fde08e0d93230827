using Microsoft.Build.Framework;

namespace SandboxBuild.Tasks;

/// <summary>
/// Who set an MSBuild property. Only the invoker is trusted: a global property (the command line, `-p:`) or the
/// environment. A value the repository's own files set (a project file, Directory.Build.props ...) is not:
/// the repository is what the sandbox is for. MSBuild turns environment variables into properties, so a
/// value equal to the variable's is the environment's (or the same value, which changes nothing).
/// </summary>
internal static class TrustedValues
{
    public static bool IsTrusted(IBuildEngine engine, string name, string value)
    {
        if (engine is IBuildEngine6 globals && globals.GetGlobalProperties().TryGetValue(name, out var global) && global == value)
        {
            return true;
        }

        return Environment.GetEnvironmentVariable(name) is { } fromEnvironment && fromEnvironment == value;
    }

    /// <summary>SANDBOXBUILD_REQUIRE=1 in the real environment (never a property a file could set or clear).</summary>
    public static bool Required => Environment.GetEnvironmentVariable("SANDBOXBUILD_REQUIRE") == "1";
}
