using BenchmarkDotNet.Attributes;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Startup;

/// <summary>
/// Startup load of N secrets with L ms of latency per backend call (0: CPU cost alone; 20: a typical cross-AZ call). The baseline is the latency floor for Secrets.Sdk's
/// plan (one list, then ⌈N/20⌉ batches 16 at a time: (1 + ⌈⌈N/20⌉/16⌉) × L), so the Ratio column reads "× floor".
/// Sequential reads are measured separately (<see cref="SequentialStartupBenchmarks"/>) because at 1,000+ secrets
/// they take tens of seconds per operation.
/// </summary>
public class StartupLoadBenchmarks
{
    private InMemorySecretStore _store = null!;

    /// <summary>Gets or sets the number of secrets.</summary>
    [Params(100, 1000, 5000)]
    public int Secrets { get; set; }

    /// <summary>Gets or sets the injected latency per backend call, in milliseconds.</summary>
    [Params(0, 20)]
    public int LatencyMs { get; set; }

    [GlobalSetup]
    public void Setup() => _store = StartupStores.Create(Secrets, LatencyMs);

    [Benchmark(Baseline = true, Description = "latency floor (1 list + batches/16 rounds)")]
    public Task Floor() => StartupStores.DelayAsync(StartupStores.SdkFloorMs(Secrets, LatencyMs));

    [Benchmark(Description = "Secrets.Sdk AddSecretsManager load")]
    public string SecretsSdk() => StartupStores.LoadWithSecretsSdk(_store, StartupStores.LastKey(Secrets));

    [Benchmark(Description = "Azure-style: 32 parallel unbatched reads")]
    public Task<int> Parallel32Unbatched() => AnchorLoaders.Parallel32UnbatchedAsync(_store);
}
