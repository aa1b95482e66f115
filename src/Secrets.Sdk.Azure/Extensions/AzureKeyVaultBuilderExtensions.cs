using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Http;

namespace Secrets.Sdk;

/// <summary>Adds Azure Key Vault to Secrets.Sdk.</summary>
public static class AzureKeyVaultBuilderExtensions
{
    /// <summary>The environment variables read, in order, when no vault URI is given.</summary>
    internal static readonly string[] VaultUriVariables = ["AZURE_KEYVAULT_URL", "AZURE_KEY_VAULT_ENDPOINT"];

    /// <summary>
    /// Adds secrets from the Key Vault at <paramref name="vaultUri"/>, authenticated with <paramref name="credential"/>:
    /// discovered by name prefix (prefix stripped, <c>--</c> as <c>:</c>), named explicitly, or — with neither — the whole vault.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="vaultUri">The vault URI, for example <c>https://orders-kv.vault.azure.net/</c>.</param>
    /// <param name="credential">The credential, for example <c>new DefaultAzureCredential()</c>.</param>
    /// <param name="configure">Sets the prefix, explicit secrets and source options.</param>
    /// <returns>The builder.</returns>
    public static SecretsManagerBuilder AddAzureKeyVault(this SecretsManagerBuilder builder, Uri vaultUri, TokenCredential credential, Action<AzureKeyVaultSourceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(vaultUri);
        ArgumentNullException.ThrowIfNull(credential);
        var options = new AzureKeyVaultSourceOptions { VaultUri = vaultUri, Credential = credential };
        configure?.Invoke(options);
        return Add(builder, options, client: null);
    }

    /// <summary>
    /// Adds secrets read through an existing <paramref name="client"/> (your transport, proxy and options). The client stays
    /// yours: it is never disposed or reconfigured. Its retry settings are yours too; set <c>Retry.MaxRetries = 0</c> so
    /// the source's resilience pipeline is the only retry policy.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="client">The secret client.</param>
    /// <param name="configure">Sets the prefix, explicit secrets and source options.</param>
    /// <returns>The builder.</returns>
    public static SecretsManagerBuilder AddAzureKeyVault(this SecretsManagerBuilder builder, SecretClient client, Action<AzureKeyVaultSourceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(client);
        var options = new AzureKeyVaultSourceOptions { VaultUri = client.VaultUri };
        configure?.Invoke(options);
        return Add(builder, options, client);
    }

    /// <summary>
    /// Adds secrets from the Key Vault named by <see cref="AzureKeyVaultSourceOptions.VaultUri"/>, or else by
    /// <c>AZURE_KEYVAULT_URL</c> or <c>AZURE_KEY_VAULT_ENDPOINT</c>, with <see cref="AzureKeyVaultSourceOptions.Credential"/> or else
    /// <c>DefaultAzureCredential</c>.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the vault, credential, prefix, explicit secrets and source options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">No vault URI was given or found in the environment.</exception>
    public static SecretsManagerBuilder AddAzureKeyVault(this SecretsManagerBuilder builder, Action<AzureKeyVaultSourceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new AzureKeyVaultSourceOptions();
        configure?.Invoke(options);
        options.VaultUri ??= VaultUriFromEnvironment()
            ?? throw new ArgumentException($"No Key Vault URI: pass one, set {nameof(AzureKeyVaultSourceOptions.VaultUri)}, or set {string.Join(" or ", VaultUriVariables)}.", nameof(configure));
        options.Credential ??= new DefaultAzureCredential();
        return Add(builder, options, client: null);
    }

    private static SecretsManagerBuilder Add(SecretsManagerBuilder builder, AzureKeyVaultSourceOptions options, SecretClient? client)
    {
        options.Validate();
        ThrottleGatePolicy? throttle = null;
        if (client is null)
        {
            if (options.VaultUri is not { IsAbsoluteUri: true } uri || uri.Scheme != Uri.UriSchemeHttps)
            {
                throw new ArgumentException($"The Key Vault URI must be an absolute https URI; it was '{options.VaultUri}'.", nameof(options));
            }

            // One retry policy, ours: the SDK's own retries would stack under the engine's pipeline (and hide 429s from it).
            options.ClientOptions.Retry.MaxRetries = 0;

            // Answers are buffered by us up to the kit's response limit, not whole by Azure.Core.
            options.ClientOptions.AddPolicy(new BoundedResponsePolicy(BackendHttpOptions.DefaultMaxResponseBytes), HttpPipelinePosition.PerRetry);

            // Every attempt goes through the vault's shared throttle gate, on the engine's clock (known when the store is created).
            throttle = new ThrottleGatePolicy(options.Throttle);
            options.ClientOptions.AddPolicy(throttle, HttpPipelinePosition.PerRetry);
        }

        return builder.AddStore(
            context =>
            {
                if (throttle is not null)
                {
                    throttle.Clock = context.TimeProvider;
                }

                var secretClient = client ?? new SecretClient(options.VaultUri, options.Credential ?? new DefaultAzureCredential(), options.ClientOptions);
                return new AzureKeyVaultStore(secretClient, options, context.TimeProvider, context.LoggerFactory.CreateLogger("Secrets.Sdk.Azure"));
            },
            options);
    }

    private static Uri? VaultUriFromEnvironment()
    {
        foreach (var variable in VaultUriVariables)
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
            {
                return Uri.TryCreate(value, UriKind.Absolute, out var uri)
                    ? uri
                    : throw new ArgumentException($"{variable} is not an absolute URI.", nameof(value));
            }
        }

        return null;
    }
}
