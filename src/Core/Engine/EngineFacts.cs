using Docker.DotNet.Models;

namespace SandboxBuild.Engine;

/// <summary>
/// The engine a sandbox runs on, from `docker info`: reported, and pinned by a baseline so a change of
/// runtime, rootless mode or default seccomp profile shows as drift.
/// </summary>
public sealed record EngineFacts(
    string ServerVersion,
    string ApiVersion,
    string DefaultRuntime,
    string RuntimeVersion,
    bool Rootless,
    bool UsernsRemap,
    string SeccompProfile,
    string CgroupVersion,
    string KernelVersion,
    string OperatingSystem)
{
    public static EngineFacts From(SystemInfoResponse info, string apiVersion)
    {
        var options = info.SecurityOptions ?? [];
        string? Option(string name, string key) => options
            .Where(o => o.Contains($"name={name}", StringComparison.Ordinal))
            .SelectMany(o => o.Split(','))
            .Where(p => p.StartsWith(key + "=", StringComparison.Ordinal))
            .Select(p => p[(key.Length + 1)..])
            .FirstOrDefault();

        return new EngineFacts(
            info.ServerVersion ?? "",
            apiVersion,
            info.DefaultRuntime ?? "",
            info.RuncCommit?.ID ?? "",
            options.Any(o => o.Contains("name=rootless", StringComparison.Ordinal)),
            options.Any(o => o.Contains("name=userns", StringComparison.Ordinal)),
            Option("seccomp", "profile") ?? "none",
            info.CgroupVersion ?? "",
            info.KernelVersion ?? "",
            info.OperatingSystem ?? "");
    }
}
