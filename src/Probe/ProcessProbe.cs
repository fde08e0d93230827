using System.Globalization;
using System.Text;

namespace SandboxBuild.Probing;

/// <summary>Reads the sandbox's process table from /proc, and ends the processes an earlier command left behind.</summary>
internal static class ProcessProbe
{
    public static void Run(ProbeReport report)
    {
        report.Processes = Read();
        report.ProcessTableRead = true;
    }

    public static List<ProcessInfo> Read()
    {
        var table = new List<ProcessInfo>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && TryRead(pid) is { } process)
            {
                table.Add(process);
            }
        }

        return table;
    }

    /// <summary>
    /// `settle`: kills every stray (see <see cref="ProcessRules"/>) until none is left, then empties the output
    /// folder, so nothing an earlier command started writes into the next command's output.
    /// </summary>
    public static int Settle(string outputFolder)
    {
        var self = Environment.ProcessId;
        for (var round = 0; round < 50; round++)
        {
            var strays = ProcessRules.Strays(Read(), self);
            if (strays.Count == 0)
            {
                Stager.Clear(outputFolder);
                Console.Out.WriteLine($"settled after {round} round(s)");
                return 0;
            }

            foreach (var stray in strays)
            {
                _ = Native.kill(stray.Pid, 9);
            }

            Thread.Sleep(20);
        }

        Console.Error.WriteLine("sandboxbuild-probe: processes of an earlier command could not be ended");
        return 3;
    }

    private static ProcessInfo? TryRead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name may hold spaces and parentheses: the fields start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var arguments = File.ReadAllBytes($"/proc/{pid}/cmdline");
            return new ProcessInfo
            {
                Pid = pid,
                ParentPid = int.Parse(fields[1], CultureInfo.InvariantCulture),
                StartTicks = long.Parse(fields[19], CultureInfo.InvariantCulture),
                Exe = ReadLink($"/proc/{pid}/exe"),
                Arguments = Encoding.UTF8.GetString(arguments).Split('\0', StringSplitOptions.RemoveEmptyEntries).Take(4).Select(a => a.Length > 200 ? a[..200] : a).ToList(),
                LoaderHooks = HasLoaderHooks(pid),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            // Gone in the meantime, or not ours to read: an unreadable process still counts, with what is known.
            return File.Exists($"/proc/{pid}/stat") ? new ProcessInfo { Pid = pid, ParentPid = -1 } : null;
        }
    }

    private static string ReadLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static bool HasLoaderHooks(int pid)
    {
        try
        {
            var environment = Encoding.UTF8.GetString(File.ReadAllBytes($"/proc/{pid}/environ")).Split('\0');
            return environment.Any(e => ProcessRules.LoaderHookVariables.Any(h => e.StartsWith(h + "=", StringComparison.Ordinal) && e.Length > h.Length + 1));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return true; // unreadable: cannot be shown clean
        }
    }
}
