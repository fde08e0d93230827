using SandboxBuild.Engine;

namespace SandboxBuild.Restore;

/// <summary>
/// Where the restore sandbox sees its folders. The package folder is at the build sandbox's first package
/// path, so the build sandbox mounts the same folder read-only at the same place and the assets restore wrote
/// need no rewriting; the results folder likewise.
/// </summary>
public static class RestoreLayout
{
    public static string PackagesTarget => SandboxLayout.PackageTarget(0);

    public const string ResultsTarget = "/sandbox/restore/results";

    public const string ProxyTarget = "/sandbox/restore/proxy";

    public const string ConfigTarget = "/sandbox/restore/config";

    public const string ForwarderAddress = "127.0.0.1:3128";

    public const string ConfigFileName = "NuGet.Config";

    public const string CertificatesFileName = "ca-certificates.pem";

    public static string ProxySocketTarget => $"{ProxyTarget}/{ProxyRelay.SocketName}";

    public static string FeedTarget(int index) => $"/sandbox/restore/feeds/{index}";
}
