namespace SandboxBuild.Engine;

/// <summary>Where a container engine may be listening, in the order the Docker CLI would look.</summary>
public static class EngineEndpoints
{
    public static IEnumerable<Uri> Candidates()
    {
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            // An explicit DOCKER_HOST is the user's choice: do not silently fall back to another engine.
            yield return new Uri(dockerHost);
            yield break;
        }

        yield return new Uri("unix:///var/run/docker.sock");

        var runtimeDir = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtimeDir))
        {
            yield return new Uri($"unix://{Path.Combine(runtimeDir, "docker.sock")}");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return new Uri($"unix://{Path.Combine(home, ".docker", "run", "docker.sock")}");
        }
    }

    /// <summary>A reason the endpoint cannot work, found without connecting, or null.</summary>
    public static string? WhyUnusable(Uri endpoint)
    {
        if (endpoint.Scheme != "unix")
        {
            return null;
        }

        var path = endpoint.LocalPath;
        if (!Path.Exists(path))
        {
            return "no socket at this path (the engine is not running, or is not installed)";
        }

        return null;
    }
}
