using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Secrets.Sdk;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds Secrets.Sdk to an application host.</summary>
public static class SecretsManagerHostApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the secret sources configured by <paramref name="configure"/> to the host's configuration (they load now,
    /// in parallel), and registers <see cref="ISecretsManager"/>, the <c>secrets</c> health check, and a hosted service
    /// that connects the host's logging and stops refresh loops (revoking leases where configured) on shutdown.
    /// </summary>
    /// <param name="builder">The host application builder.</param>
    /// <param name="configure">Adds sources (<c>AddVault</c>, <c>AddAwsSecretsManager</c>, <c>AddMountedFiles</c>, ...).</param>
    /// <returns>The host application builder.</returns>
    /// <exception cref="SecretsLoadException">A required source could not be loaded.</exception>
    public static IHostApplicationBuilder AddSecretsManager(this IHostApplicationBuilder builder, Action<SecretsManagerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var secrets = new SecretsManagerBuilder { LoggerFactory = new DeferredLoggerFactory() };
        configure(secrets);
        if (secrets.LastKnownGood is { Options.ApplicationName: null } lastKnownGood)
        {
            lastKnownGood.Options.ApplicationName = builder.Environment.ApplicationName;
        }

        builder.Configuration.Add(new SecretsConfigurationSource(secrets));

        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(SecretsManagerMarker)))
        {
            return builder;
        }

        services.AddSingleton<SecretsManagerMarker>();
        services.TryAddSingleton<ISecretsManager>(sp => sp.GetRequiredService<IConfiguration>().GetSecretsManager());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SecretsManagerHostedService>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "secrets",
            sp => new SecretsHealthCheck(sp.GetRequiredService<ISecretsManager>(), secrets.TimeProvider),
            failureStatus: null,
            tags: ["secrets"]));
        return builder;
    }

    private sealed class SecretsManagerMarker;
}
