using Microsoft.Extensions.Logging;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk;

/// <summary>Adds HashiCorp Vault to Secrets.Sdk.</summary>
public static class VaultSecretsManagerBuilderExtensions
{
    /// <summary>
    /// Adds Vault KV paths and dynamic secrets. Each KV path is one source (so one failing path does not hide the others);
    /// all dynamic secrets share one leased source. They share one connection and token, renewed through the engine's
    /// lease manager and obtained again by login when needed.
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
        options.Validate();
        var logger = builder.LoggerFactory.CreateLogger("Secrets.Sdk.Vault");
        var connection = VaultConnection.Create(options.Address!, options.Namespace, options.Tls, options.Authentication!, options.Leases, builder.TimeProvider, logger);
        foreach (var path in options.KeyValuePaths)
        {
            builder.AddStore(new VaultKeyValueStore(connection, path, logger), options);
        }

        if (options.DynamicSecrets.Count > 0)
        {
            builder.AddStore(new VaultDynamicSecretStore(connection, options.DynamicSecrets.ToArray(), builder.TimeProvider), options);
        }

        return builder;
    }
}
