using System.Globalization;
using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing.Emulators;

namespace Secrets.Sdk.Benchmarks.Aws;

/// <summary>
/// Startup load of 1,000 secrets from the Secrets Manager emulator with 20 ms per request: ListSecrets pages of 100
/// (sequential by nature: each page needs the previous NextToken), then 50 BatchGetSecretValue calls 16 at a time.
/// Baseline: that plan's floor, (10 + ⌈50/16⌉) × 20 ms. Calls per no-change refresh are printed at cleanup.
/// </summary>
public class AwsStartupBenchmarks
{
    private const int Secrets = 1000;
    private const int LatencyMs = 20;
    private AwsEmulator _aws = null!;

    [GlobalSetup]
    public void Setup()
    {
        _aws = new AwsEmulator();
        _aws.StartAsync().GetAwaiter().GetResult();
        for (var i = 0; i < Secrets; i++)
        {
            _aws.CreateSecret($"prod/app/S{i:D4}", i.ToString(CultureInfo.InvariantCulture));
        }

        _aws.Latency = TimeSpan.FromMilliseconds(LatencyMs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var config = Load();
        var before = _aws.Requests.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        config.GetSecretsManager().RefreshAsync().GetAwaiter().GetResult();
        var after = _aws.Requests.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        var calls = after.Select(kv => $"{kv.Key[(kv.Key.IndexOf('.', StringComparison.Ordinal) + 1)..]} {kv.Value - before.GetValueOrDefault(kv.Key)}");
        Console.WriteLine($"// AWS no-change refresh of {Secrets} secrets: {string.Join(", ", calls)}");
        ((IDisposable)config).Dispose();
        _aws.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "latency floor: (10 list pages + 50/16 batch rounds) x 20 ms")]
    public Task Floor() => Task.Delay(TimeSpan.FromMilliseconds((10 + Math.Ceiling(50 / 16.0)) * LatencyMs));

    [Benchmark(Description = "AddAwsSecretsManager load of 1,000 secrets")]
    public string Load1000()
    {
        var config = Load();
        var value = config["S0999"] ?? throw new InvalidOperationException("The last secret was not loaded.");
        ((IDisposable)config).Dispose();
        return value;
    }

    private IConfigurationRoot Load() =>
        new ConfigurationBuilder().AddSecretsManager(s => s.AddAwsSecretsManager(o =>
        {
            o.Region = "us-east-1";
            o.ServiceUrl = _aws.Address;
            o.Credentials = new BasicAWSCredentials(AwsEmulator.AccessKeyId, AwsEmulator.SecretAccessKey);
            o.RefreshInterval = null;
            o.NamePrefix = "prod/app/";
        })).Build();
}
