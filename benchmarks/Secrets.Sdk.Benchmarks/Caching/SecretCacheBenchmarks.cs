using System.Collections.Concurrent;
using BenchmarkDotNet.Attributes;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Caching;

/// <summary>The <see cref="SecretCache"/> hit path against a bare <see cref="ConcurrentDictionary{TKey,TValue}"/> lookup.</summary>
[MemoryDiagnoser]
public class SecretCacheBenchmarks
{
    private readonly ConcurrentDictionary<string, SecretValue> _dictionary = new(StringComparer.Ordinal);
    private SecretCache _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        var store = new InMemorySecretStore("bench");
        store.Set("api-key", "value");
        _cache = new SecretCache(store);
        _ = _cache.GetAsync("api-key").AsTask().GetAwaiter().GetResult();
        _dictionary["api-key"] = SecretValue.FromText("value");
    }

    [GlobalCleanup]
    public void Cleanup() => _cache.Dispose();

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary.TryGetValue")]
    public SecretValue? Dictionary() => _dictionary.TryGetValue("api-key", out var value) ? value : null;

    [Benchmark(Description = "SecretCache.GetAsync (hit)")]
    public ValueTask<SecretValue> CacheHit() => _cache.GetAsync("api-key");
}
