using SandboxBuild.Engine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SandboxBuild.Restore;

/// <summary>
/// The key pair Squid's ssl-bump port insists on. We never bump, so nobody ever sees it: made fresh for
/// each proxy, trusted by no one, and removed with the proxy's folder.
/// </summary>
internal static class ThrowawayKeyPair
{
    public static void Write(string certificateFile, string keyFile)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sandboxbuild-unused", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
    }
}
