using System.Text;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.TestModules;

/// <summary>
/// `dotnet test` starts a module with variables the repository chose: its launch profile
/// (Properties/launchSettings.json) and RunEnvironmentVariable items. For the package's CLI on the host those
/// would be the repository choosing the engine (DOCKER_HOST), the package folders (NUGET_PACKAGES), the state
/// folder (HOME) or loader hooks. So the CLI puts back the environment of the `dotnet test` process that
/// started it, the invoker's, read from /proc before anything else runs; what the repository added or changed
/// is dropped and named. (Loader variables are removed even earlier, by env(1) in the launch command.)
/// </summary>
internal static class InvokerEnvironment
{
    /// <summary>Variables the SDK itself sets for a module; they differ from its own environment on purpose.</summary>
    private static readonly HashSet<string> SetBySdk = new(StringComparer.Ordinal)
    {
        "DOTNET_CLI_TEST_COMMAND_WORKING_DIRECTORY", "DOTNET_ROOT_X64", "DOTNET_ROOT_ARM64", "DOTNET_ROOT_X86", "DOTNET_ROOT_ARM",
    };

    public static IReadOnlyList<string> Restore(ISandboxLog log)
    {
        var invoker = Read(ParentProcessId());
        var changed = new List<string>();
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (!invoker.ContainsKey(name) && !SetBySdk.Contains(name))
            {
                if (!SetInSdkProcess(name))
                {
                    changed.Add(name);
                }

                Environment.SetEnvironmentVariable(name, null);
            }
        }

        foreach (var (name, value) in invoker)
        {
            if (Environment.GetEnvironmentVariable(name) != value)
            {
                changed.Add(name);
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        if (changed.Count > 0)
        {
            log.Warning(Codes.RepositorySettingIgnored,
                $"The test module's launch set {string.Join(", ", changed.Order(StringComparer.Ordinal).Select(n => SafeText.Escape(n, 80)))} (the repository's launch profile or RunEnvironmentVariable); SandboxBuild uses the environment of `dotnet test` instead.");
        }

        return changed;
    }

    /// <summary>What MSBuild sets in the `dotnet test` process itself after it started (its children inherit them).</summary>
    private static bool SetInSdkProcess(string name) =>
        name.TrimStart('_').StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name is "DOTNET_HOST_PATH" or "DOTNET_CLI_TELEMETRY_SESSIONID";

    private static int ParentProcessId()
    {
        // /proc/self/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so read after the last ')'.
        var stat = File.ReadAllText("/proc/self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Dictionary<string, string> Read(int processId)
    {
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes($"/proc/{processId}/environ");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SandboxException(Codes.TestModuleOutsideDotnetTest, $"The environment of the process that started the test module (pid {processId}) cannot be read: {e.Message}.");
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Encoding.UTF8.GetString(raw).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                variables[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return variables;
    }
}
