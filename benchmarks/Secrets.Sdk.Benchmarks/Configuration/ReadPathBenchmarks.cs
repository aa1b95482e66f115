using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Benchmarks.Configuration;

/// <summary>Reading 100 keys through IConfiguration: Secrets.Sdk (in-memory store, mounted files) vs MemoryConfigurationProvider.</summary>
[MemoryDiagnoser]
public class ReadPathBenchmarks
{
    private const int Keys = 100;
    private readonly string[] _keys = Enumerable.Range(0, Keys).Select(i => $"Section{i % 10}:Key{i}").ToArray();
    private IConfigurationRoot _memory = null!;
    private IConfigurationRoot _secrets = null!;
    private IConfigurationRoot _files = null!;
    private string _dir = null!;
    private IOptionsMonitor<DatabaseOptions> _memoryMonitor = null!;
    private IOptionsMonitor<DatabaseOptions> _secretsMonitor = null!;
    private ServiceProvider _memoryServices = null!;
    private ServiceProvider _secretsServices = null!;

    [GlobalSetup]
    public void Setup()
    {
        var values = _keys.ToDictionary(k => k, k => (string?)("value-of-" + k));
        values["Database:Username"] = "app";
        values["Database:Password"] = "p";
        // Each provider gets its own key strings, as in a real application: if the baseline held the very instances the
        // benchmark looks up, its string comparisons would short-circuit on reference equality and flatter it.
        _memory = new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(kv => new string(kv.Key.AsSpan()), kv => kv.Value)).Build();

        var store = new InMemorySecretStore("bench");
        foreach (var (key, value) in values)
        {
            store.Set(key.Replace(":", "/", StringComparison.Ordinal), value!);
        }

        _secrets = new ConfigurationBuilder().AddSecretsManager(s => s.AddStore(store, new SecretSourceOptions { RefreshInterval = null })).Build();

        _dir = Path.Combine(Path.GetTempPath(), "secrets-sdk-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        foreach (var (key, value) in values)
        {
            File.WriteAllText(Path.Combine(_dir, key.Replace(":", "__", StringComparison.Ordinal)), value);
        }

        _files = new ConfigurationBuilder().AddSecretsManager(s => s.AddMountedFiles(_dir, o => o.UseFileSystemWatcher = false)).Build();

        _memoryServices = Services(_memory);
        _secretsServices = Services(_secrets);
        _memoryMonitor = _memoryServices.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        _secretsMonitor = _secretsServices.GetRequiredService<IOptionsMonitor<DatabaseOptions>>();
        if (Read(_secrets) != Read(_memory) || Read(_files) != Read(_memory))
        {
            throw new InvalidOperationException("The three configurations must hold the same values.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memoryServices.Dispose();
        _secretsServices.Dispose();
        ((IDisposable)_files).Dispose();
        ((IDisposable)_secrets).Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "MemoryConfigurationProvider: 100 reads")]
    public int Memory() => Read(_memory);

    [Benchmark(Description = "Secrets.Sdk (in-memory store): 100 reads")]
    public int SecretsSdk() => Read(_secrets);

    [Benchmark(Description = "Secrets.Sdk (mounted files): 100 reads")]
    public int MountedFiles() => Read(_files);

    [Benchmark(Description = "IOptionsMonitor.CurrentValue over memory config")]
    public DatabaseOptions MemoryOptionsMonitor() => _memoryMonitor.CurrentValue;

    [Benchmark(Description = "IOptionsMonitor.CurrentValue over Secrets.Sdk")]
    public DatabaseOptions SecretsOptionsMonitor() => _secretsMonitor.CurrentValue;

    private int Read(IConfiguration configuration)
    {
        var total = 0;
        foreach (var key in _keys)
        {
            total += configuration[key]!.Length;
        }

        return total;
    }

    private static ServiceProvider Services(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddOptions();
        services.Configure<DatabaseOptions>(configuration.GetSection("Database"));
        return services.BuildServiceProvider();
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
