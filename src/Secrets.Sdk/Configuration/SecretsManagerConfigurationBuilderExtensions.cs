using Secrets.Sdk;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds Secrets.Sdk to an <see cref="IConfigurationBuilder"/>.</summary>
public static class SecretsManagerConfigurationBuilderExtensions
{
    /// <summary>
    /// Adds the secret sources configured by <paramref name="configure"/>. They load in parallel when the
    /// configuration is built (a required source that fails throws <see cref="SecretsLoadException"/>), then refresh
    /// in the background. Get the running sources with <see cref="GetSecretsManager"/>.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="configure">Adds sources (<c>AddVault</c>, <c>AddAwsSecretsManager</c>, <c>AddMountedFiles</c>, ...).</param>
    /// <returns>The configuration builder.</returns>
    public static IConfigurationBuilder AddSecretsManager(this IConfigurationBuilder builder, Action<SecretsManagerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var secrets = new SecretsManagerBuilder();
        configure(secrets);
        return builder.Add(new SecretsConfigurationSource(secrets));
    }

    /// <summary>
    /// Adds the secret sources declared in <paramref name="section"/> (builder settings and a <c>Sources</c> list, each
    /// entry with a <c>Type</c>), for example <c>configuration.GetSection("SecretsManager")</c>.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="section">The declaring section.</param>
    /// <returns>The configuration builder.</returns>
    /// <exception cref="SecretsConfigurationException">The section has problems; every one is listed with its path.</exception>
    public static IConfigurationBuilder AddSecretsManager(this IConfigurationBuilder builder, IConfiguration section) =>
        AddSecretsManager(builder, section, configure: null);

    /// <summary>
    /// Adds the secret sources declared in <paramref name="section"/>, then runs <paramref name="configure"/>, which may
    /// override the file's builder settings, add sources in code (they win over declared ones for the same key) and
    /// complete declared sources with <c>ConfigureDeclaredSources</c>.
    /// </summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="section">The declaring section.</param>
    /// <param name="configure">Code-based configuration, or <see langword="null"/>.</param>
    /// <returns>The configuration builder.</returns>
    /// <exception cref="SecretsConfigurationException">The section has problems; every one is listed with its path.</exception>
    public static IConfigurationBuilder AddSecretsManager(this IConfigurationBuilder builder, IConfiguration section, Action<SecretsManagerBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return builder.AddSecretsManager(secrets => DeclaredSources.Read(secrets, section, configure));
    }

    /// <summary>Returns the running secret sources of <paramref name="configuration"/>.</summary>
    /// <param name="configuration">A configuration built with <c>AddSecretsManager</c>.</param>
    /// <returns>The secrets manager over every <c>AddSecretsManager</c> call in it.</returns>
    /// <exception cref="InvalidOperationException">The configuration has no Secrets.Sdk sources.</exception>
    public static ISecretsManager GetSecretsManager(this IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var managers = SecretsProviders.Find(configuration).Select(p => p.Hub).Distinct().ToArray<ISecretsManager>();
        return managers.Length switch
        {
            0 => throw new InvalidOperationException("This configuration has no Secrets.Sdk sources: call AddSecretsManager(...) when building it."),
            1 => managers[0],
            _ => new CompositeSecretsManager(managers),
        };
    }
}
