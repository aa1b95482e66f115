using Microsoft.Extensions.Configuration;

namespace Secrets.Sdk;

/// <summary>Finds the Secrets.Sdk providers of a configuration.</summary>
internal static class SecretsProviders
{
    public static IReadOnlyList<SecretsConfigurationProvider> Find(IConfiguration configuration) =>
        configuration is IConfigurationRoot root
            ? root.Providers.OfType<SecretsConfigurationProvider>().ToArray()
            : [];
}
