using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Caching;

/// <summary>64 threads miss the same key at once: prints how many backend reads that caused (target: 1).</summary>
internal static class SingleFlightCheck
{
    public static async Task RunAsync(TextWriter output)
    {
        var store = new InMemorySecretStore("bench") { Latency = TimeSpan.FromMilliseconds(50) };
        store.Set("api-key", "value");
        using var cache = new SecretCache(store);
        using var start = new ManualResetEventSlim();
        var readers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await cache.GetAsync("api-key");
        })).ToArray();
        start.Set();
        await Task.WhenAll(readers);
        output.WriteLine($"64 concurrent misses of one key -> {store.GetCalls} backend read(s) (target: 1)");
    }
}
