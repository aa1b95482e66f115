using System.Globalization;
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
