namespace Secrets.Sdk.Vault;

/// <summary>Options of a <see cref="VaultTransitKeyEncryptionKey"/>.</summary>
public sealed class VaultTransitOptions
{
    /// <summary>Gets or sets Vault's address.</summary>
    public Uri? Address { get; set; }

    /// <summary>Gets or sets the Vault Enterprise namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets how to authenticate.</summary>
    public VaultAuthentication? Authentication { get; set; }

    /// <summary>Gets the TLS settings.</summary>
    public VaultTlsOptions Tls { get; } = new();

    /// <summary>Gets or sets the Transit mount. Default: <c>transit</c>.</summary>
    public string Mount { get; set; } = "transit";

    /// <summary>Gets or sets the Transit key name.</summary>
    public string KeyName { get; set; } = string.Empty;

    /// <summary>Gets or sets a value indicating whether plain HTTP to a non-loopback address is allowed.</summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Gets or sets the clock for token leases.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
