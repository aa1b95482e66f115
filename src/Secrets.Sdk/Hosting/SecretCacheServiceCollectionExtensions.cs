using Secrets.Sdk;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers on-demand secret caches over configured sources.</summary>
public static class SecretCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="SecretCache"/> over the source named <paramref name="sourceName"/> as a keyed singleton
    /// (key: the source's name), created on first use by <see cref="ISecretsManager.CreateCache"/> and disposed with the
    /// container. Inject it with <c>[FromKeyedServices("name")] SecretCache cache</c> or
    /// <c>GetRequiredKeyedService&lt;SecretCache&gt;("name")</c>.
    /// </summary>
    /// <param name="services">The service collection (the application must also call <c>AddSecretsManager</c>).</param>
    /// <param name="sourceName">The source's name (<see cref="SecretSourceOptions.Name"/>, or the store's name by default).</param>
    /// <param name="configure">Sets time to live, stale serving and size; <see langword="null"/> for the defaults on the sources' clock.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddSecretCache(this IServiceCollection services, string sourceName, Action<SecretCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        services.AddKeyedSingleton(sourceName, (sp, _) =>
        {
            SecretCacheOptions? options = null;
            if (configure is not null)
            {
                options = new SecretCacheOptions();
                configure(options);
            }

            return sp.GetRequiredService<ISecretsManager>().CreateCache(sourceName, options);
        });
        return services;
    }
}
