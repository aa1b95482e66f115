using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Caching;

/// <summary>On-demand caches over configured sources, found by name through <see cref="ISecretsManager"/> and DI.</summary>
public sealed class SourceCacheTests
{
    [Fact]
    public async Task CreateCache_ByDefaultStoreName_ReadsThroughTheSourceAndCaches()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("orders-store", time);
        store.Set("api-key", "v1");
        store.Set("on-demand-only", "od1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        using var _ = config as IDisposable;
        var reads = store.GetCalls;

        using var cache = manager.CreateCache("orders-store");
        var first = await cache.GetAsync("on-demand-only");
        var second = await cache.GetAsync("on-demand-only");

        Assert.Equal("orders-store", cache.SourceName);
        Assert.Equal("od1", first.GetText());
        Assert.Same(first, second);
        Assert.Equal(reads + 1, store.GetCalls);
    }

    [Fact]
    public async Task CreateCache_UsesTheSourcesClock_StaleValueServedWhileOneRefreshReplacesIt()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("api-key", "v1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.Name = "payments")));
        using var _ = config as IDisposable;

        using var cache = manager.CreateCache("payments");
        await cache.GetAsync("api-key");
        store.Set("api-key", "v2");
        var reads = store.GetCalls;
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)); // past the default TTL, on the sources' manual clock

        var stale = await cache.GetAsync("api-key");
        await Waits.UntilAsync(() => store.GetCalls >= reads + 1, "a background refresh (the cache's, and perhaps the source's own poll, both due after the hour)");
        await Waits.UntilAsync(() => cache.GetAsync("api-key").AsTask().Result.GetText() == "v2", "the refreshed value");

        Assert.Equal("v1", stale.GetText());
    }

    [Fact]
    public void CreateCache_UnknownName_ThrowsListingTheSources()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("a", "1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.Name = "payments")));
        using var _ = config as IDisposable;

        var error = Assert.Throws<ArgumentException>(() => manager.CreateCache("orders"));

        Assert.Contains("'orders'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'payments'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateCache_TwoSourcesWithOneName_ThrowsAskingForDistinctNames()
    {
        var time = new ManualTimeProvider();
        var one = new InMemorySecretStore("same", time);
        var two = new InMemorySecretStore("same", time);
        one.Set("a", "1");
        two.Set("b", "2");
        var (config, manager) = TestConfig.Build(time, (one, TestConfig.Options()), (two, TestConfig.Options()));
        using var _ = config as IDisposable;

        var error = Assert.Throws<ArgumentException>(() => manager.CreateCache("same"));

        Assert.Contains("SecretSourceOptions.Name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateCache_SourcesSharingAName_ArePickedByStoreName()
    {
        var time = new ManualTimeProvider();
        var kv = new InMemorySecretStore("vault:secret/app", time);
        var dynamic = new InMemorySecretStore("vault:dynamic(db)", time);
        kv.Set("a", "from-kv");
        dynamic.Set("b", "from-dynamic");
        var (config, manager) = TestConfig.Build(time, (kv, TestConfig.Options(o => o.Name = "orders-vault")), (dynamic, TestConfig.Options(o => o.Name = "orders-vault")));
        using var _ = config as IDisposable;

        var ambiguous = Assert.Throws<ArgumentException>(() => manager.CreateCache("orders-vault"));
        using var cache = manager.CreateCache("vault:secret/app");

        Assert.Contains("'vault:secret/app'", ambiguous.Message, StringComparison.Ordinal);
        Assert.Contains("'vault:dynamic(db)'", ambiguous.Message, StringComparison.Ordinal);
        Assert.Equal("from-kv", (await cache.GetAsync("a")).GetText());
        Assert.Equal(["vault:secret/app", "vault:dynamic(db)"], manager.Sources.Select(s => s.StoreName));
    }

    [Fact]
    public async Task CreateCache_AcrossTwoAddSecretsManagerCalls_FindsTheSourceInEither()
    {
        var time = new ManualTimeProvider();
        var first = new InMemorySecretStore("first", time);
        var second = new InMemorySecretStore("second", time);
        first.Set("a", "from-first");
        second.Set("b", "from-second");
        var config = new ConfigurationBuilder()
            .AddSecretsManager(s => { s.TimeProvider = time; s.AddStore(first, TestConfig.Options()); })
            .AddSecretsManager(s => { s.TimeProvider = time; s.AddStore(second, TestConfig.Options()); })
            .Build();
        using var _ = config as IDisposable;

        using var cache = config.GetSecretsManager().CreateCache("second");

        Assert.Equal("from-second", (await cache.GetAsync("b")).GetText());
    }

    [Fact]
    public async Task CreateCache_LeasedSecret_IsRefusedAndItsCredentialRevoked()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("static", "s");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        using var _ = config as IDisposable;
        store.SetDynamic("database/creds/app", serial => "password-" + serial, TimeSpan.FromHours(1), TimeSpan.FromHours(24));

        using var cache = manager.CreateCache("mem");
        var error = await Assert.ThrowsAsync<SecretStoreException>(() => cache.GetAsync("database/creds/app").AsTask());

        Assert.Contains("leased", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("password-", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.UnrevokedLeases);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task CreateCache_FollowsTheNewestProviderAfterAConfigurationRebuild()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("a", "1");
        using var manager = new ConfigurationManager();
        manager.AddSecretsManager(s => { s.TimeProvider = time; s.AddStore(_ => store.Connect(), TestConfig.Options(o => o.Name = "rebuilt")); });
        var secrets = ((IConfiguration)manager).GetSecretsManager();
        using var cache = secrets.CreateCache("rebuilt");
        Assert.Equal("1", (await cache.GetAsync("a")).GetText());

        ((IConfigurationBuilder)manager).Properties["rebuild"] = true; // ConfigurationManager rebuilds (and disposes) its providers
        store.Set("b", "2");

        Assert.Equal("2", (await cache.GetAsync("b")).GetText());
        Assert.Equal(1, store.OpenClients);
    }

    [Fact]
    public async Task AddSecretCache_OnAHost_InjectsAKeyedCacheDisposedWithTheContainer()
    {
        var store = new InMemorySecretStore("mem");
        store.Set("api-key", "from-store");
        var builder = Host.CreateApplicationBuilder();
        builder.AddSecretsManager(s => s.AddStore(store, new SecretSourceOptions { Name = "payments", RefreshInterval = null }));
        builder.Services.AddSecretCache("payments", o => o.TimeToLive = TimeSpan.FromMinutes(5));
        SecretCache cache;
        using (var host = builder.Build())
        {
            cache = host.Services.GetRequiredKeyedService<SecretCache>("payments");
            Assert.Same(cache, host.Services.GetRequiredKeyedService<SecretCache>("payments"));
            Assert.Equal("from-store", (await cache.GetAsync("api-key")).GetText());
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GetAsync("api-key").AsTask());
    }
}
