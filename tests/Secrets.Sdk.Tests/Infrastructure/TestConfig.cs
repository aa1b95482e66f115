using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Tests.Infrastructure;

/// <summary>Builds configurations over in-memory stores with a manual clock.</summary>
internal static class TestConfig
{
    public static SecretSourceOptions Options(Action<SecretSourceOptions>? configure = null)
    {
        var options = new SecretSourceOptions
        {
            RefreshInterval = TimeSpan.FromMinutes(1),
            RefreshJitter = 0,
            ChangeDebounce = TimeSpan.Zero,
        };
        options.Resilience.MaxRetryAttempts = 0;
        options.Resilience.CircuitBreakerEnabled = false;
        configure?.Invoke(options);
        return options;
    }

    public static (IConfigurationRoot Config, ISecretsManager Manager) Build(ManualTimeProvider time, params (ISecretStore Store, SecretSourceOptions Options)[] sources)
    {
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                s.TimeProvider = time;
                foreach (var (store, options) in sources)
                {
                    s.AddStore(store, options);
                }
            })
            .Build();
        return (config, config.GetSecretsManager());
    }
}
