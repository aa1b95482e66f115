using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>Where and how to reach Vault: the settings <c>AddVault</c> and the Transit key-encryption key share.</summary>
internal interface IVaultEndpointOptions
{
    /// <summary>Gets or sets Vault's address.</summary>
    Uri? Address { get; set; }

    /// <summary>Gets or sets the Vault Enterprise namespace.</summary>
    string? Namespace { get; set; }

    /// <summary>Gets or sets how to authenticate.</summary>
    VaultAuthentication? Authentication { get; set; }

    /// <summary>Gets the TLS settings.</summary>
    VaultTlsOptions Tls { get; }

    /// <summary>Gets a value indicating whether plain HTTP to a non-loopback address is allowed.</summary>
    bool AllowInsecureHttp { get; }

    /// <summary>Gets the HTTP connection settings, limits and hooks.</summary>
    BackendHttpOptions Http { get; }

    /// <summary>Gets a value indicating whether a standby node's 307 to the active node is followed (once, same scheme).</summary>
    bool FollowStandbyRedirect { get; }
}
