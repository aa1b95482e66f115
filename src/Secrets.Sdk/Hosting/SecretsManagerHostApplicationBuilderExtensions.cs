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

    /// <summary>
    /// Adds the secret sources declared in <paramref name="section"/> (builder settings and a <c>Sources</c> list, each
    /// entry with a <c>Type</c>), for example <c>builder.Configuration.GetSection("SecretsManager")</c>, with the same
    /// services as the code-based overload.
    /// </summary>
    /// <param name="builder">The host application builder.</param>
    /// <param name="section">The declaring section.</param>
    /// <returns>The host application builder.</returns>
    /// <exception cref="SecretsConfigurationException">The section has problems; every one is listed with its path.</exception>
    /// <exception cref="SecretsLoadException">A required source could not be loaded.</exception>
    public static IHostApplicationBuilder AddSecretsManager(this IHostApplicationBuilder builder, IConfiguration section) =>
        AddSecretsManager(builder, section, configure: null);

    /// <summary>
    /// Adds the secret sources declared in <paramref name="section"/>, then runs <paramref name="configure"/>, which may
    /// override the file's builder settings, add sources in code (they win over declared ones for the same key) and
    /// complete declared sources with <c>ConfigureDeclaredSources</c>.
    /// </summary>
    /// <param name="builder">The host application builder.</param>
    /// <param name="section">The declaring section.</param>
    /// <param name="configure">Code-based configuration, or <see langword="null"/>.</param>
    /// <returns>The host application builder.</returns>
    /// <exception cref="SecretsConfigurationException">The section has problems; every one is listed with its path.</exception>
    /// <exception cref="SecretsLoadException">A required source could not be loaded.</exception>
    public static IHostApplicationBuilder AddSecretsManager(this IHostApplicationBuilder builder, IConfiguration section, Action<SecretsManagerBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return builder.AddSecretsManager(secrets => DeclaredSources.Read(secrets, section, configure));
    }

    private sealed class SecretsManagerMarker;
}
