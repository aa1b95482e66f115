using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// Options of a <see cref="VaultTransitKeyEncryptionKey"/>. Address, namespace, token and CA default to the same
/// environment variables as <c>AddVault</c> (and the Vault CLI), and the connection is built by the same code.
/// </summary>
public sealed class VaultTransitOptions : IVaultEndpointOptions
{
    /// <summary>Gets or sets Vault's address. Default: <c>VAULT_ADDR</c>.</summary>
    public Uri? Address { get; set; }

    /// <summary>Gets or sets the Vault Enterprise namespace (<c>X-Vault-Namespace</c>). Default: <c>VAULT_NAMESPACE</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets how to authenticate. Default: <c>VAULT_TOKEN</c> when set.</summary>
    public VaultAuthentication? Authentication { get; set; }

    /// <summary>Gets the TLS settings. The CA defaults to <c>VAULT_CACERT</c>.</summary>
    public VaultTlsOptions Tls { get; } = new();

    /// <summary>Gets or sets the Transit mount. Default: <c>transit</c>.</summary>
    public string Mount { get; set; } = "transit";

    /// <summary>Gets or sets the Transit key name.</summary>
    public string KeyName { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets a value indicating whether plain HTTP to a non-loopback address is allowed. Plain HTTP to a loopback
    /// address (a local dev server) is always allowed, with a warning. Default: <see langword="false"/>. The same
    /// setting as <c>Http.AllowInsecureHttp</c>.
    /// </summary>
    public bool AllowInsecureHttp
    {
        get => Http.AllowInsecureHttp;
        set => Http.AllowInsecureHttp = value;
    }

    /// <summary>Gets the HTTP connection settings, limits and hooks, as for <c>AddVault</c>; <see cref="Tls"/> is applied on top of them.</summary>
    public BackendHttpOptions Http { get; } = new();

    /// <summary>Gets or sets a value indicating whether a performance standby's <c>307</c> to the active node is followed (once, same scheme). Default: off.</summary>
    public bool FollowStandbyRedirect { get; set; }

    /// <summary>Gets or sets where the connection logs (for example the plain-HTTP warning). Default: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the clock the token's renewal and new logins run on.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
