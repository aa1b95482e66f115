using System.Globalization;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Startup;

/// <summary>Stores and latency floors for the startup benchmarks.</summary>
internal static class StartupStores
{
    public const int BatchSize = 20;
    public const int Concurrency = 16;

    public static InMemorySecretStore Create(int secrets, int latencyMs)
    {
        var store = new InMemorySecretStore("bench") { MaxBatchSize = BatchSize, Latency = TimeSpan.FromMilliseconds(latencyMs) };
        for (var i = 0; i < secrets; i++)
        {
            store.Set($"app/Section{i % 50}/Key{i}", "value-" + i.ToString(CultureInfo.InvariantCulture));
        }

        return store;
    }

    /// <summary>
    /// Loads the store through AddSecretsManager (no refresh loop) and reads one key to prove it. It does not enumerate
    /// the configuration: that costs every provider far more than loading, and the anchor loaders pay nothing like it.
    /// </summary>
    public static string LoadWithSecretsSdk(ISecretStore store, string probeKey)
    {
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s => s.AddStore(store, new SecretSourceOptions { RefreshInterval = null }))
            .Build();
        var value = config[probeKey] ?? throw new InvalidOperationException($"'{probeKey}' was not loaded.");
        ((IDisposable)config).Dispose();
        return value;
    }

    /// <summary>The configuration key of the last secret <see cref="Create"/> makes.</summary>
    public static string LastKey(int secrets) => $"app:Section{(secrets - 1) % 50}:Key{secrets - 1}";

    /// <summary>(1 list + ⌈⌈N/20⌉/16⌉ rounds of batch reads) × latency.</summary>
    public static double SdkFloorMs(int secrets, int latencyMs)
    {
        var batches = (secrets + BatchSize - 1) / BatchSize;
        var rounds = (batches + Concurrency - 1) / Concurrency;
        return (1 + rounds) * (double)latencyMs;
    }

    public static Task DelayAsync(double milliseconds) =>
        milliseconds <= 0 ? Task.CompletedTask : Task.Delay(TimeSpan.FromMilliseconds(milliseconds));
}
