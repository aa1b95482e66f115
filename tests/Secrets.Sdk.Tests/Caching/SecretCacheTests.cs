using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Caching;

public sealed class SecretCacheTests
{
    [Fact]
    public async Task Get_SecondReadWithinTtl_IsServedFromCache()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("api-key", "v1");
        using var cache = new SecretCache(store, Options(time));

        var first = await cache.GetAsync("api-key");
        var second = await cache.GetAsync("api-key");

        Assert.Equal("v1", first.GetText());
        Assert.Same(first, second);
        Assert.Equal(1, store.GetCalls);
    }

    [Fact]
    public async Task Get_SixtyFourConcurrentMisses_CauseOneBackendRead()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time) { Latency = TimeSpan.FromMilliseconds(50) };
        store.Set("api-key", "v1");
        using var cache = new SecretCache(store, Options(time));
        using var start = new ManualResetEventSlim();

        var readers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await cache.GetAsync("api-key");
        })).ToArray();
        start.Set();
        await Waits.UntilAsync(() => time.PendingTimers > 0, "the backend read to start");
        await Waits.UntilAsync(() => readers.All(r => !r.IsCompleted) && store.GetCalls == 1, "all readers to be waiting");
        time.Advance(TimeSpan.FromMilliseconds(50));
        var values = await Task.WhenAll(readers).WaitAsync(Waits.Guard);

        Assert.Equal(1, store.GetCalls);
        Assert.All(values, v => Assert.Equal("v1", v.GetText()));
    }

    [Fact]
    public async Task Get_AfterTtl_ServesStaleWhileOneBackgroundRefreshReplacesIt()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("api-key", "v1");
        using var cache = new SecretCache(store, Options(time));
        await cache.GetAsync("api-key");
        store.Set("api-key", "v2");

        time.Advance(TimeSpan.FromMinutes(11));
        var stale = await cache.GetAsync("api-key");
        await Waits.UntilAsync(() => store.GetCalls == 2, "the background refresh");
        await Waits.UntilAsync(() => cache.GetAsync("api-key").AsTask().Result.GetText() == "v2", "the refreshed value");

        Assert.Equal("v1", stale.GetText());
        Assert.Equal(2, store.GetCalls);
    }

    [Fact]
    public async Task Get_BackendDownAfterTtl_KeepsServingStaleWithinWindow_ThenFails()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("api-key", "v1");
        using var cache = new SecretCache(store, Options(time));
        await cache.GetAsync("api-key");
        store.FailEverything();

        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("v1", (await cache.GetAsync("api-key")).GetText());

        time.Advance(TimeSpan.FromMinutes(20));
        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await cache.GetAsync("api-key"));
        Assert.Equal(SecretErrorKind.Unavailable, ex.Kind);
    }

    [Fact]
    public async Task Get_MissingSecret_ThrowsNotFoundNamingIt()
    {
        var time = new ManualTimeProvider();
        using var cache = new SecretCache(new InMemorySecretStore("mem", time), Options(time));

        var ex = await Assert.ThrowsAsync<SecretStoreException>(async () => await cache.GetAsync("nope"));

        Assert.Equal(SecretErrorKind.NotFound, ex.Kind);
        Assert.Equal("nope", ex.SecretName);
    }

    [Fact]
    public async Task Cache_IsBoundedBySize_EvictingLeastRecentlyUsed()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        for (var i = 0; i < 30; i++)
        {
            store.Set($"s{i}", $"v{i}");
        }

        var options = Options(time);
        options.MaxEntries = 10;
        using var cache = new SecretCache(store, options);
        await cache.GetAsync("s0");
        for (var i = 1; i < 30; i++)
        {
            await cache.GetAsync($"s{i}");
            await cache.GetAsync("s0"); // keep s0 hot
        }

        Assert.InRange(cache.Count, 1, 10);
        var calls = store.GetCalls;
        await cache.GetAsync("s0");
        Assert.Equal(calls, store.GetCalls);
    }

    private static SecretCacheOptions Options(ManualTimeProvider time)
    {
        var options = new SecretCacheOptions { TimeProvider = time, TimeToLive = TimeSpan.FromMinutes(10), ServeStaleFor = TimeSpan.FromMinutes(20) };
        options.Resilience.MaxRetryAttempts = 0;
        options.Resilience.CircuitBreakerEnabled = false;
        return options;
    }
}
