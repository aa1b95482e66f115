using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Azure;

/// <summary>Options of the Azure Key Vault source added by <c>AddAzureKeyVault</c>.</summary>
public sealed class AzureKeyVaultSourceOptions : SecretSourceOptions
{
    /// <summary>
    /// Creates the options with Azure's convention: the name prefix is stripped and <c>--</c> becomes <c>:</c>
    /// (<c>Database--Password</c> gives <c>Database:Password</c>). Setting <see cref="SecretSourceOptions.KeyMapper"/> replaces it.
    /// <see cref="SecretSourceOptions.RefreshInterval"/> defaults to 30 minutes here: a vault allows 4,000 secret
    /// transactions per 10 seconds (https://learn.microsoft.com/azure/key-vault/general/service-limits), and an explicit
    /// secret's check is one Get Secret, so 10,000 instances checking 20 secrets every 5 minutes would need twice that
    /// (benchmarks/README.md, fleet model); every 30 minutes they stay under half of it.
    /// </summary>
    public AzureKeyVaultSourceOptions()
    {
        KeyMapper = new SecretKeyMapper("--");
        MaxConcurrency = 32;
        RefreshInterval = TimeSpan.FromMinutes(30);
    }

    /// <summary>
    /// Gets or sets the vault URI (<c>https://NAME.vault.azure.net/</c>). Default: <c>AZURE_KEYVAULT_URL</c>, then
    /// <c>AZURE_KEY_VAULT_ENDPOINT</c>. Ignored when a <see cref="SecretClient"/> is passed.
    /// </summary>
    public Uri? VaultUri { get; set; }

    /// <summary>Gets or sets the credential. Default: <c>DefaultAzureCredential</c>. Ignored when a <see cref="SecretClient"/> is passed.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>
    /// Gets the options of the <see cref="SecretClient"/> the source creates (transport, proxy, diagnostics, challenge
    /// resource verification). Its <c>Retry.MaxRetries</c> is forced to 0 when the client is created: the source's own
    /// resilience pipeline (<see cref="SecretSourceOptions.Resilience"/>) is the one retry policy, so throttling is never
    /// retried by two stacked policies; and a policy is added that buffers answers up to 4 MiB instead of whole.
    /// </summary>
    public SecretClientOptions ClientOptions { get; } = new();

    /// <summary>
    /// Gets how the <see cref="SecretClient"/> the source creates uses the vault's shared throttle gate, the one the other
    /// backends' clients use per endpoint: a 429 from the vault backs off every source and secret of this process on that
    /// vault for its <c>Retry-After</c>, instead of each secret retrying on its own. On by default. Not applied to a
    /// <see cref="SecretClient"/> you pass in (its pipeline is yours).
    /// </summary>
    public ThrottleGateOptions Throttle { get; } = new();

    /// <summary>
    /// Gets or sets a name prefix for discovery: the vault is listed (properties only, paged), secrets whose name starts
    /// with it are loaded and the prefix is stripped from their keys. With neither a prefix nor explicit secrets the
    /// whole vault is loaded, like Azure's own provider.
    /// </summary>
    public string? NamePrefix { get; set; }

    /// <summary>Gets the explicitly named secrets.</summary>
    public IList<AzureSecretReference> Secrets { get; } = [];

    /// <summary>Gets a value indicating whether the vault is listed: a prefix is set, or no secret is named explicitly.</summary>
    internal bool Discovers => NamePrefix is not null || Secrets.Count == 0;

    /// <summary>Adds an explicitly named secret (no <c>secrets/list</c> permission needed).</summary>
    /// <param name="name">The secret's name in the vault.</param>
    /// <param name="section">The configuration key for its value (or JSON fields). Default: its name with <c>--</c> as <c>:</c>.</param>
    /// <param name="version">A version id to pin.</param>
    /// <param name="optional">Whether a missing or denied secret may be skipped.</param>
    /// <returns>These options.</returns>
    public AzureKeyVaultSourceOptions AddSecret(string name, string? section = null, string? version = null, bool optional = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Secrets.Add(new AzureSecretReference(name) { Section = section, Version = version, Optional = optional });
        return this;
    }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        Throttle.Validate();
        foreach (var secret in Secrets)
        {
            if (!IsValidName(secret.Name))
            {
                throw new ArgumentException($"Key Vault secret names are 1-127 letters, digits and dashes; '{secret.Name}' is not.", nameof(Secrets));
            }

            if (secret.Version is { } version && !version.All(char.IsAsciiLetterOrDigit))
            {
                throw new ArgumentException($"Version '{version}' of secret '{secret.Name}' is not a Key Vault version id.", nameof(Secrets));
            }
        }

        if (NamePrefix is { Length: 0 })
        {
            throw new ArgumentException($"{nameof(NamePrefix)} must not be empty; leave it null to load the whole vault.", nameof(NamePrefix));
        }
    }

    private static bool IsValidName(string name) => name.Length is >= 1 and <= 127 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
