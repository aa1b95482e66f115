using Secrets.Sdk.Vault;

namespace Secrets.Sdk;

/// <summary>Adds HashiCorp Vault to Secrets.Sdk.</summary>
public static class VaultSecretsManagerBuilderExtensions
{
    /// <summary>
    /// Adds Vault KV paths and dynamic secrets. Each KV path is one source (so one failing path does not hide the others);
    /// all dynamic secrets share one leased source. They share one connection and token; the
    /// token renews itself on the source's <c>Leases</c> settings and is obtained again by login when needed.
    /// </summary>
    /// <param name="builder">The secrets builder.</param>
    /// <param name="configure">Sets the address, authentication and paths.</param>
    /// <returns>The builder.</returns>
    public static SecretsManagerBuilder AddVault(this SecretsManagerBuilder builder, Action<VaultSourceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new VaultSourceOptions();
        configure(options);
        options.ApplyEnvironmentDefaults();
        options.Http.MaxSecretBytes = options.MaxSecretBytes; // One knob: the source's value limit is the transport's.
        options.Validate();
        // One connection (HTTP client and token) per provider, shared by this call's stores and disposed after them.
        VaultConnection Connection(SecretStoreContext context) => context.GetOrAddShared(
            options,
            c => VaultConnection.Create(options, VaultTokenRenewal.FromLeases(options.Leases), c.TimeProvider, c.LoggerFactory.CreateLogger("Secrets.Sdk.Vault")));

        foreach (var path in options.KeyValuePaths)
        {
            builder.AddStore(context => new VaultKeyValueStore(Connection(context), path, context.LoggerFactory.CreateLogger("Secrets.Sdk.Vault")), options);
        }

        if (options.DynamicSecrets.Count > 0)
        {
            var dynamicSecrets = options.DynamicSecrets.ToArray();
            builder.AddStore(context => new VaultDynamicSecretStore(Connection(context), dynamicSecrets, context.TimeProvider), options);
        }

        return builder;
    }
}
