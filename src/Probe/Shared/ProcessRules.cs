using System.Text.RegularExpressions;

namespace SandboxBuild.Probing;

/// <summary>One process inside the sandbox, as /proc shows it.</summary>
public sealed class ProcessInfo
{
    public int Pid { get; set; }

    public int ParentPid { get; set; }

    /// <summary>The binary really running (/proc/PID/exe); empty when it could not be read.</summary>
    public string Exe { get; set; } = "";

    /// <summary>The first arguments (the dll a dotnet host runs is the second); untrusted text.</summary>
    public List<string> Arguments { get; set; } = [];

    /// <summary>Its environment names a loader hook (LD_PRELOAD, DOTNET_STARTUP_HOOKS ...): code of someone else's choosing runs in it.</summary>
    public bool LoaderHooks { get; set; }

    /// <summary>Start time in clock ticks since boot (/proc/PID/stat field 22).</summary>
    public long StartTicks { get; set; }
}

/// <summary>
/// Which processes may be running in a sandbox before a command starts: its init, its own main process (the
/// `sleep` that bounds its life), our own tools from the read-only probe volume, and the .NET SDK's build servers (MSBuild
/// nodes, the compiler server), which is what keeps a warm sandbox fast. Everything else was left behind by
/// an earlier command and is a stray. The same rule kills strays (`settle`) and judges the table (the gate).
/// </summary>
public static partial class ProcessRules
{
    public const string DotnetHost = "/usr/share/dotnet/dotnet";

    public static readonly string[] LoaderHookVariables =
        ["LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "DOTNET_STARTUP_HOOKS", "DOTNET_ADDITIONAL_DEPS", "DOTNET_SHARED_STORE", "CORECLR_PROFILER", "CORECLR_ENABLE_PROFILING", "DOTNET_PROFILER"];

    public static IReadOnlyList<ProcessInfo> Strays(IReadOnlyList<ProcessInfo> table, int self)
    {
        // The main process is init's oldest `sleep` child; orphans of earlier commands are re-parented to init too.
        var main = table.Where(p => p.ParentPid == 1 && Path.GetFileName(p.Exe) == "sleep").OrderBy(p => p.StartTicks).FirstOrDefault();
        return table.Where(p => p.Pid != 1 && p.Pid != self && p != main && !IsBuildServer(p) && !IsOurTool(p)).ToArray();
    }

    /// <summary>Our own agent from the read-only probe volume (the stager may run beside the probe), with no loader hook.</summary>
    public static bool IsOurTool(ProcessInfo process) =>
        process.Exe == DotnetHost && !process.LoaderHooks && process.Arguments.Count >= 2 && process.Arguments[1] == ProbeDll;

    public const string ProbeDll = "/opt/sandboxbuild/probe/sandboxbuild-probe.dll";

    /// <summary>The SDK's own MSBuild node or compiler server, from the image's read-only SDK, with no loader hook.</summary>
    public static bool IsBuildServer(ProcessInfo process) =>
        process.Exe == DotnetHost && !process.LoaderHooks && process.Arguments.Count >= 2 && BuildServerDll().IsMatch(process.Arguments[1]);

    [GeneratedRegex(@"^/usr/share/dotnet/sdk/[0-9][^/]*/(MSBuild\.dll|Roslyn/bincore/VBCSCompiler\.dll)$")]
    private static partial Regex BuildServerDll();
}
