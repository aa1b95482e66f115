using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>Options of the Vault source added by <c>AddVault</c>.</summary>
/// <remarks>
/// Vault's conventions, through <see cref="SecretMetadata.ConfigurationKey"/>: a KV secret's fields are placed under its
/// path relative to the configured path (a single secret's fields at the root), a dynamic secret's under its section.
/// </remarks>
public sealed class VaultSourceOptions : SecretSourceOptions, IVaultEndpointOptions
{
    /// <summary>Gets or sets Vault's address. Default: <c>VAULT_ADDR</c>.</summary>
    public Uri? Address { get; set; }

    /// <summary>Gets or sets the Vault Enterprise namespace (<c>X-Vault-Namespace</c>). Default: <c>VAULT_NAMESPACE</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets how to authenticate. Default: <c>VAULT_TOKEN</c> when set.</summary>
    public VaultAuthentication? Authentication { get; set; }

    /// <summary>Gets the TLS settings. The CA defaults to <c>VAULT_CACERT</c>.</summary>
    public VaultTlsOptions Tls { get; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether plain HTTP is allowed to a non-loopback address. Plain HTTP to a loopback
    /// address (a local dev server) is always allowed, with a warning. Default: <see langword="false"/>. The same
    /// setting as <c>Http.AllowInsecureHttp</c>.
    /// </summary>
    public bool AllowInsecureHttp
    {
        get => Http.AllowInsecureHttp;
        set => Http.AllowInsecureHttp = value;
    }

    /// <summary>
    /// Gets the HTTP connection settings, limits (response and secret size, pages) and hooks (own handler,
    /// a client from <c>IHttpClientFactory</c> through <see cref="BackendHttpOptions.CreateClient"/>, proxy). <see cref="Tls"/> is applied on top of them. Its
    /// <c>MaxSecretBytes</c> follows this source's <see cref="SecretSourceOptions.MaxSecretBytes"/>.
    /// </summary>
    public BackendHttpOptions Http { get; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether a performance standby's <c>307</c> to the active node is followed: once
    /// per call, only to the same scheme, with the token. Off by default: Vault standbys forward requests themselves
    /// unless request forwarding is disabled, and any other redirect is an error naming both addresses.
    /// </summary>
    /// <remarks>https://developer.hashicorp.com/vault/docs/concepts/ha#request-forwarding.</remarks>
    public bool FollowStandbyRedirect { get; set; }

    /// <summary>Gets the KV paths to load.</summary>
    public IList<VaultKeyValuePath> KeyValuePaths { get; } = [];

    /// <summary>Gets the dynamic secrets to load.</summary>
    public IList<VaultDynamicSecret> DynamicSecrets { get; } = [];

    /// <summary>Adds a KV path: a secret, or a folder listed recursively.</summary>
    /// <param name="mount">The KV mount (for example <c>secret</c>).</param>
    /// <param name="path">The path within the mount.</param>
    /// <param name="version">The KV version, or null to detect it.</param>
    /// <param name="neverList">Read only the named secrets, never LIST (for tokens without list permission).</param>
    /// <param name="secrets">In never-list mode, more secrets below <paramref name="path"/> to read.</param>
    /// <returns>These options.</returns>
    public VaultSourceOptions AddKeyValue(string mount, string path, int? version = null, bool neverList = false, params string[] secrets)
    {
        ArgumentException.ThrowIfNullOrEmpty(mount);
        ArgumentNullException.ThrowIfNull(path);
        KeyValuePaths.Add(new VaultKeyValuePath(mount.Trim('/'), path.Trim('/')) { Version = version, NeverList = neverList, Secrets = secrets });
        return this;
    }

    /// <summary>Adds a dynamic secret whose lease is renewed, and rotated before it expires.</summary>
    /// <param name="path">The endpoint (for example <c>database/creds/orders-rw</c>).</param>
    /// <param name="section">The configuration section for its fields.</param>
    /// <returns>These options.</returns>
    public VaultSourceOptions AddDynamicSecret(string path, string? section = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        DynamicSecrets.Add(new VaultDynamicSecret(path.Trim('/'), section));
        return this;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        VaultEndpoint.Validate(this);
        if (KeyValuePaths.Count == 0 && DynamicSecrets.Count == 0)
        {
            throw new ArgumentException("Add at least one KV path (AddKeyValue) or dynamic secret (AddDynamicSecret).", nameof(KeyValuePaths));
        }
    }

    internal void ApplyEnvironmentDefaults() => VaultEndpoint.ApplyEnvironmentDefaults(this);
}
