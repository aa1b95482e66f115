using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Refresh;

/// <summary>
/// One refresh of 1,000 secrets when nothing or 1% changed: Secrets.Sdk (metadata first, values only for changed
/// secrets) vs a Kralizek-style poll that re-reads every value. Backend calls per refresh are printed at cleanup.
/// </summary>
public class RefreshBenchmarks
{
    private const int Secrets = 1000;
    private InMemorySecretStore _store = null!;
    private IConfigurationRoot _config = null!;
    private ISecretsManager _manager = null!;
    private long _operations;
    private int _generation;

    /// <summary>Gets or sets the share of secrets that change before each refresh, in percent.</summary>
    [Params(0, 1)]
    public int ChangedPercent { get; set; }

    /// <summary>Gets or sets the injected latency per backend call, in milliseconds (0 shows CPU cost alone).</summary>
    [Params(0, 5)]
    public int LatencyMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemorySecretStore("bench") { MaxBatchSize = 20, Latency = TimeSpan.FromMilliseconds(LatencyMs) };
        for (var i = 0; i < Secrets; i++)
        {
            _store.Set($"app/Key{i}", "v0");
        }

        _config = new ConfigurationBuilder()
            .AddSecretsManager(s => s.AddStore(_store, new SecretSourceOptions { RefreshInterval = null }))
            .Build();
        _manager = _config.GetSecretsManager();
        Baseline = (_store.ListCalls, _store.GetCalls, _store.ValuesRead);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_operations > 0)
        {
            var (list, get, values) = (_store.ListCalls - Baseline.List, _store.GetCalls - Baseline.Get, _store.ValuesRead - Baseline.Values);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// calls per refresh ({Current}, {ChangedPercent}% changed): list {list / (double)_operations:F2}, value batches {get / (double)_operations:F2}, values read {values / (double)_operations:F2}"));
        }

        ((IDisposable)_config).Dispose();
    }

    private (long List, long Get, long Values) Baseline { get; set; }

    private string Current { get; set; } = string.Empty;

    [Benchmark(Baseline = true, Description = "re-read every value (Kralizek-style poll)")]
    public async Task<int> FullReread()
    {
        Current = "full re-read";
        Mutate();
        var listed = await _store.ListSecretsAsync(CancellationToken.None);
        var read = 0;
        foreach (var batch in listed.Chunk(20))
        {
            read += (await _store.GetSecretsAsync(batch, CancellationToken.None)).Count;
        }

        _operations++;
        return read;
    }

    [Benchmark(Description = "Secrets.Sdk RefreshAsync (metadata first)")]
    public async Task<int> SecretsSdk()
    {
        Current = "Secrets.Sdk";
        Mutate();
        var result = await _manager.RefreshAsync();
        _operations++;
        return result.ChangedKeys.Count;
    }

    private void Mutate()
    {
        var count = Secrets * ChangedPercent / 100;
        _generation++;
        for (var i = 0; i < count; i++)
        {
            _store.Set($"app/Key{(_generation * 37 + i) % Secrets}", "v" + _generation.ToString(CultureInfo.InvariantCulture));
        }
    }
}
