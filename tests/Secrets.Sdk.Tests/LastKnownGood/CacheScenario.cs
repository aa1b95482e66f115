using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Encryption;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.LastKnownGood;

/// <summary>A cache file in a fresh temporary directory, a local KEK, a manual clock and captured logs.</summary>
internal sealed class CacheScenario : IDisposable
{
    public const string Application = "orders";

    private readonly ILoggerFactory _loggerFactory;

    public CacheScenario()
    {
        Directory.CreateDirectory(Folder);
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
    }

    public ManualTimeProvider Time { get; } = new();

    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "lkg-" + Guid.NewGuid().ToString("N"));

    public string CachePath => Path.Combine(Folder, "secrets.lkg");

    public LocalKeyEncryptionKey Kek { get; } = NewKek();

    public CapturingLoggerProvider Logs { get; } = new();

    public int Writes => Logs.Messages.Count(m => m.StartsWith("Wrote the last-known-good cache", StringComparison.Ordinal));

    public IEnumerable<string> Rejections => Logs.Messages.Where(m => m.Contains("rejected and not served", StringComparison.Ordinal));

    public static LocalKeyEncryptionKey NewKek() => new(RandomNumberGenerator.GetBytes(32), "lkg-test:v1");

    public static InMemorySecretStore Store(string prefix, TimeProvider time) => new(prefix + "-" + Guid.NewGuid().ToString("N"), time);

    public void Configure(SecretsManagerBuilder s, Action<LastKnownGoodCacheOptions>? configure = null, IKeyEncryptionKey? kek = null)
    {
        s.TimeProvider = Time;
        s.LoggerFactory = _loggerFactory;
        s.UseLastKnownGoodCache(CachePath, c =>
        {
            c.KeyEncryptionKey = kek ?? Kek;
            c.ApplicationName = Application;
            configure?.Invoke(c);
        });
    }

    /// <summary>Builds a configuration over <paramref name="stores"/> (added as caller-owned stores) with the cache on.</summary>
    public IConfigurationRoot Build(Action<LastKnownGoodCacheOptions>? configure, params InMemorySecretStore[] stores) =>
        Build(configure, null, stores);

    public IConfigurationRoot Build(Action<LastKnownGoodCacheOptions>? configure, IKeyEncryptionKey? kek, params InMemorySecretStore[] stores) =>
        new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                Configure(s, configure, kek);
                foreach (var store in stores)
                {
                    s.AddStore(store, TestConfig.Options());
                }
            })
            .Build();

    /// <summary>Waits until the cache has been written <paramref name="count"/> times in total.</summary>
    public Task WaitForWritesAsync(int count) => Waits.UntilAsync(() => Writes >= count, $"{count} cache writes");

    public void Dispose()
    {
        _loggerFactory.Dispose();
        Kek.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
