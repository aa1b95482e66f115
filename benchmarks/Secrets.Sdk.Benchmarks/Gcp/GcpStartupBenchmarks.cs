using System.Globalization;
using BenchmarkDotNet.Attributes;
using Secrets.Sdk.Gcp;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Benchmarks.Gcp;

/// <summary>
/// Startup load of 1,000 secrets from the Secret Manager emulator with 20 ms per request: <c>secrets.list</c> pages of 500
/// (sequential: each page needs the previous token), then 1,000 <c>versions.access</c> calls (Secret Manager has no batch
/// read), 16 at a time. Baseline: that plan's floor, (2 + ⌈1000/16⌉) × 20 ms. Calls per no-change refresh are printed at
/// cleanup.
/// </summary>
public class GcpStartupBenchmarks
{
    private const int Secrets = 1000;
    private const int LatencyMs = 20;
    private GcpEmulator _gcp = null!;

    [GlobalSetup]
    public void Setup()
    {
        _gcp = new GcpEmulator();
        _gcp.StartAsync().GetAwaiter().GetResult();
        var labels = new Dictionary<string, string> { ["app"] = "bench" };
        for (var i = 0; i < Secrets; i++)
        {
            _gcp.CreateSecret($"S{i:D4}", i.ToString(CultureInfo.InvariantCulture), labels);
        }

        _gcp.Latency = TimeSpan.FromMilliseconds(LatencyMs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var config = Load();
        var before = Counts();
        config.GetSecretsManager().RefreshAsync().GetAwaiter().GetResult();
        var after = Counts();
        Console.WriteLine($"// GCP no-change refresh of {Secrets} secrets: {string.Join(", ", after.Select(kv => $"{kv.Key} {kv.Value - before.GetValueOrDefault(kv.Key)}"))}");
        ((IDisposable)config).Dispose();
        _gcp.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "latency floor: (2 list pages + 1000/16 access rounds) x 20 ms")]
    public Task Floor() => Task.Delay(TimeSpan.FromMilliseconds((2 + Math.Ceiling(Secrets / 16.0)) * LatencyMs));

    [Benchmark(Description = "AddGcpSecretManager load of 1,000 secrets")]
    public string Load1000()
    {
        var config = Load();
        var value = config["S0999"] ?? throw new InvalidOperationException("The last secret was not loaded.");
        ((IDisposable)config).Dispose();
        return value;
    }

    private Dictionary<string, int> Counts() =>
        new[] { "secrets.list", "versions.access", "versions.list" }.ToDictionary(op => op, _gcp.Count);

    private IConfigurationRoot Load() =>
        new ConfigurationBuilder().AddSecretsManager(s => s.AddGcpSecretManager(o =>
        {
            o.ProjectId = GcpEmulator.ProjectId;
            o.Endpoint = _gcp.Address;
            o.Credential = GcpCredential.FromAccessToken(GcpEmulator.Token);
            o.Filter = "labels.app=bench";
            o.RefreshInterval = null;
        })).Build();
}
