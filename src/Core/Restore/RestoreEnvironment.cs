using SandboxBuild.Engine;

namespace SandboxBuild.Restore;

/// <summary>
/// The restore sandbox's environment, built from nothing: .NET's quiet offline settings, the proxy (the
/// forwarder inside, by address: NuGet honours `http_proxy` for every scheme, .NET `HTTP(S)_PROXY`), empty
/// no-proxy lists, the fresh package folder, offline revocation checks (CRL and OCSP hosts are not feeds),
/// and caches on tmpfs. No host variable, no credential: feed credentials are in the trusted NuGet config.
/// </summary>
public static class RestoreEnvironment
{
    public static IReadOnlyDictionary<string, string> Build(bool withCertificates)
    {
        var proxy = $"http://{RestoreLayout.ForwarderAddress}";
        var env = new SortedDictionary<string, string>(SandboxEnvironment.Defaults.ToDictionary(), StringComparer.Ordinal)
        {
            ["http_proxy"] = proxy,
            ["HTTP_PROXY"] = proxy,
            ["HTTPS_PROXY"] = proxy,
            ["NO_PROXY"] = "",
            ["no_proxy"] = "",
            ["NUGET_PACKAGES"] = RestoreLayout.PackagesTarget,
            ["NUGET_CERT_REVOCATION_MODE"] = "offline",
            ["NUGET_HTTP_CACHE_PATH"] = "/tmp/nuget-http-cache",
            ["NUGET_SCRATCH"] = "/tmp/nuget-scratch",
        };
        if (withCertificates)
        {
            env["SSL_CERT_FILE"] = $"{RestoreLayout.ConfigTarget}/{RestoreLayout.CertificatesFileName}";
        }

        return env;
    }
}
