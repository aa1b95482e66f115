using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>The emulators' TLS certificates: self-signed RSA 2048, valid for 127.0.0.1 and localhost for one day, and an HTTP handler that trusts exactly one of them.</summary>
public static class EmulatorCertificate
{
    private static readonly Lazy<X509Certificate2> SharedCertificate = new(Create);

    /// <summary>Gets one certificate per process, created on first use (so a test run pays for one RSA key generation).</summary>
    internal static X509Certificate2 Shared => SharedCertificate.Value;

    /// <summary>Creates a fresh self-signed server certificate with its private key.</summary>
    /// <returns>The certificate; the caller disposes it.</returns>
    public static X509Certificate2 Create()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Secrets.Sdk Key Vault emulator", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Round-trip through PKCS#12 so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Returns whether <paramref name="presented"/> is exactly <paramref name="trusted"/> (certificate pinning for tests).</summary>
    /// <param name="trusted">The emulator's certificate.</param>
    /// <param name="presented">The certificate the server presented.</param>
    /// <returns><see langword="true"/> when both are the same certificate.</returns>
    internal static bool IsSame(X509Certificate2 trusted, X509Certificate? presented) =>
        presented is not null && trusted.RawDataMemory.Span.SequenceEqual(presented.GetRawCertData());

    /// <summary>Creates an HTTP handler that trusts exactly <paramref name="trusted"/> (for clients of the emulator).</summary>
    /// <param name="trusted">The emulator's certificate.</param>
    /// <returns>The handler; the caller disposes it (usually through its <see cref="HttpClient"/>).</returns>
    public static SocketsHttpHandler TrustingHandler(X509Certificate2 trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        return new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 64,
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => IsSame(trusted, presented) },
        };
    }
}
