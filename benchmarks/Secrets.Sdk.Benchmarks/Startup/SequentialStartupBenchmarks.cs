using BenchmarkDotNet.Attributes;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Startup;

/// <summary>Startup load of 100 secrets: Secrets.Sdk vs VaultSharp-style sequential one-by-one reads.</summary>
public class SequentialStartupBenchmarks
{
    private InMemorySecretStore _store = null!;

    /// <summary>Gets or sets the injected latency per backend call, in milliseconds.</summary>
    [Params(20)]
    public int LatencyMs { get; set; }

    [GlobalSetup]
    public void Setup() => _store = StartupStores.Create(100, LatencyMs);

    [Benchmark(Baseline = true, Description = "Secrets.Sdk AddSecretsManager load (100)")]
    public string SecretsSdk() => StartupStores.LoadWithSecretsSdk(_store, StartupStores.LastKey(100));

    [Benchmark(Description = "VaultSharp-style: sequential one-by-one (100)")]
    public Task<int> Sequential() => AnchorLoaders.SequentialAsync(_store);
}
