using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Reload;

/// <summary>
/// One rotation reaching N <see cref="IOptionsMonitor{TOptions}"/> subscribers (a refresh that changes one key),
/// against a refresh that finds nothing new (baseline).
/// </summary>
public class ReloadFanOutBenchmarks
{
    private InMemorySecretStore _store = null!;
    private IConfigurationRoot _config = null!;
    private ISecretsManager _manager = null!;
    private ServiceProvider _services = null!;
    private readonly List<IDisposable> _subscriptions = [];
    private int _generation;
    private int _notified;

    /// <summary>Gets or sets the number of OnChange subscribers.</summary>
    [Params(10, 100)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemorySecretStore("bench");
        _store.Set("Database", """{"Username":"app","Password":"p0"}""");
        for (var i = 0; i < 50; i++)
        {
            _store.Set($"Other/Key{i}", "v");
        }

        _config = new ConfigurationBuilder()
            .AddSecretsManager(s => s.AddStore(_store, new SecretSourceOptions { RefreshInterval = null }))
            .Build();
        _manager = _config.GetSecretsManager();
        var services = new ServiceCollection();
        services.AddOptions();
        services.Configure<DatabaseOptions>(_config.GetSection("Database"));
        _services = services.BuildServiceProvider();
        var monitor = _services.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        for (var i = 0; i < Subscribers; i++)
        {
            _subscriptions.Add(monitor.OnChange(_ => Interlocked.Increment(ref _notified))!);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _services.Dispose();
        ((IDisposable)_config).Dispose();
    }

    [Benchmark(Baseline = true, Description = "refresh, nothing changed")]
    public Task<SecretsRefreshResult> NoChange() => _manager.RefreshAsync();

    [Benchmark(Description = "refresh with one rotation, fanned out to subscribers")]
    public async Task<int> Rotation()
    {
        var before = Volatile.Read(ref _notified);
        _generation++;
        _store.Set("Database", $$"""{"Username":"app","Password":"p{{_generation.ToString(CultureInfo.InvariantCulture)}}"}""");
        await _manager.RefreshAsync();
        var delivered = Volatile.Read(ref _notified) - before;
        return delivered == Subscribers ? delivered : throw new InvalidOperationException($"{delivered} notifications for {Subscribers} subscribers");
    }

    /// <summary>Options bound in the benchmark.</summary>
    public sealed class DatabaseOptions
    {
        /// <summary>Gets or sets the user.</summary>
        public string? Username { get; set; }

        /// <summary>Gets or sets the password.</summary>
        public string? Password { get; set; }
    }
}
