using System.Security.Cryptography.X509Certificates;

namespace Secrets.Sdk.Vault;

/// <summary>TLS settings for the connection to Vault.</summary>
public sealed class VaultTlsOptions
{
    /// <summary>Gets or sets a PEM file of CA certificates to trust for Vault's certificate (like <c>VAULT_CACERT</c>).</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>Gets or sets a client certificate for mutual TLS (the cert auth method or a TLS-terminating proxy).</summary>
    public X509Certificate2? ClientCertificate { get; set; }
}
