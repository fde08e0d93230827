namespace SandboxBuild.Validation;

/// <summary>
/// What the judge needs to know about the host to recognise a dangerous mount: where homes, engine sockets
/// and the repository are. Gathered once; plain data, so the judge stays a pure function.
/// </summary>
public sealed record HostContext
{
    public IReadOnlyList<string> HomeDirectories { get; init; } = [];

    public IReadOnlyList<string> EngineSockets { get; init; } = [];

    public string? SshAgentSocket { get; init; }

    /// <summary>The repository (source folder) the sandbox builds; it must never be writable.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>The sha256 the trusted side pinned for a custom seccomp profile; any other custom profile fails.</summary>
    public string? SeccompPin { get; init; }

    /// <summary>A home folder: one of ours, or any /home/NAME, /Users/NAME or /root, existing here or not (the engine's host may differ).</summary>
    public bool IsHome(string path)
    {
        path = path.TrimEnd('/');
        return HomeDirectories.Contains(path, StringComparer.Ordinal) || path is "/root" or "/var/root"
            || System.Text.RegularExpressions.Regex.IsMatch(path, "^/(home|Users)/[^/]+$");
    }

    public IEnumerable<string> HomesOf(string path) =>
        HomeDirectories.Where(h => path.StartsWith(h + "/", StringComparison.Ordinal))
            .Concat(System.Text.RegularExpressions.Regex.Match(path, "^/(home|Users)/[^/]+(?=/)") is { Success: true } m ? [m.Value] : [])
            .Concat(path.StartsWith("/root/", StringComparison.Ordinal) ? ["/root"] : []);

    public static HostContext Current(string? repositoryRoot)
    {
        var homes = new List<string> { "/root" };
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            homes.Add(home);
        }

        if (Directory.Exists("/home"))
        {
            homes.AddRange(Directory.GetDirectories("/home"));
        }

        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var sockets = new List<string>
        {
            "/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
            "/run/podman/podman.sock", "/var/run/podman/podman.sock", "/var/run/crio/crio.sock", "/run/crio/crio.sock",
            "/var/run/docker/containerd/containerd.sock", "/run/docker/containerd/containerd.sock",
        };
        if (!string.IsNullOrEmpty(runtimeDir))
        {
            sockets.Add(Path.Combine(runtimeDir, "docker.sock"));
            sockets.Add(Path.Combine(runtimeDir, "podman", "podman.sock"));
        }

        return new HostContext
        {
            HomeDirectories = homes.Distinct(StringComparer.Ordinal).ToArray(),
            EngineSockets = sockets,
            SshAgentSocket = Environment.GetEnvironmentVariable("SSH_AUTH_SOCK"),
            RepositoryRoot = repositoryRoot is null ? null : Path.GetFullPath(repositoryRoot).TrimEnd('/'),
        };
    }
}
