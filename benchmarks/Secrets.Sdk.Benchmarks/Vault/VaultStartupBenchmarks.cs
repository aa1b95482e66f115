using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;
using Secrets.Sdk.Vault;

namespace Secrets.Sdk.Benchmarks.Vault;

/// <summary>
/// Startup load of 1,000 KV v2 secrets from the Vault emulator with 20 ms per request. Vault has no batch read, so the
/// plan is LIST + 1,000 metadata reads + 1,000 data reads, 16 at a time. Baseline: that plan's latency floor,
/// (3 + ⌈1000/16⌉ × 2) × 20 ms. Requests per no-change refresh are printed at cleanup (target: no data reads).
/// </summary>
public class VaultStartupBenchmarks
{
    private const int Secrets = 1000;
    private const int LatencyMs = 20;
    private VaultEmulator _vault = null!;

    [GlobalSetup]
    public void Setup()
    {
        _vault = new VaultEmulator();
        _vault.StartAsync().GetAwaiter().GetResult();
        _vault.EnableKv("secret", 2);
        for (var i = 0; i < Secrets; i++)
        {
            _vault.PutKv("secret", $"app/s{i:D4}", new Dictionary<string, string> { ["value"] = i.ToString(CultureInfo.InvariantCulture) });
        }

        _vault.Latency = TimeSpan.FromMilliseconds(LatencyMs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var config = Load();
        var data = _vault.Count("GET secret/data/");
        var metadata = _vault.Count("GET secret/metadata/");
        var lists = _vault.Count("LIST ");
        config.GetSecretsManager().RefreshAsync().GetAwaiter().GetResult();
        Console.WriteLine($"// Vault no-change refresh of {Secrets} secrets: {_vault.Count("LIST ") - lists} LIST, {_vault.Count("GET secret/metadata/") - metadata} metadata reads, {_vault.Count("GET secret/data/") - data} data reads");
        ((IDisposable)config).Dispose();
        _vault.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "latency floor: (3 + 2 x 1000/16) x 20 ms")]
    public Task Floor() => Task.Delay(TimeSpan.FromMilliseconds((3 + (2 * Math.Ceiling(Secrets / 16.0))) * LatencyMs));

    [Benchmark(Description = "AddVault load of 1,000 KV v2 secrets")]
    public string Load1000()
    {
        var config = Load();
        var value = config["s0999:value"] ?? throw new InvalidOperationException("The last secret was not loaded.");
        ((IDisposable)config).Dispose();
        return value;
    }

    private IConfigurationRoot Load() =>
        new ConfigurationBuilder().AddSecretsManager(s => s.AddVault(v =>
        {
            v.Address = _vault.Address;
            v.Authentication = VaultAuthentication.Token(VaultEmulator.RootToken);
            v.RefreshInterval = null;
            v.AddKeyValue("secret", "app", version: 2);
        })).Build();
}
