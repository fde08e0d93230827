using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>A test CA and a server certificate it signed for the fixture names: what a private feed with its own CA looks like.</summary>
internal sealed class TestCertificates : IDisposable
{
    public TestCertificates(IReadOnlyList<string> names)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=sandboxbuild-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={names[0]}", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            san.AddDnsName(name);
        }

        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = serverRequest.Create(Authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(8));
        // Kestrel on Linux needs the key in an exportable, loadable form.
        Server = X509CertificateLoader.LoadPkcs12(signed.CopyWithPrivateKey(serverKey).Export(X509ContentType.Pkcs12), null);
        AuthorityFile = Path.Combine(Path.GetTempPath(), $"sandboxbuild-test-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(AuthorityFile, Authority.ExportCertificatePem());
        File.SetUnixFileMode(AuthorityFile, (UnixFileMode)0b110_100_100);
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 Server { get; }

    /// <summary>The CA as PEM, for the restore sandbox to trust (like a private feed's CA).</summary>
    public string AuthorityFile { get; }

    public void Dispose()
    {
        File.Delete(AuthorityFile);
        Authority.Dispose();
        Server.Dispose();
    }
}
