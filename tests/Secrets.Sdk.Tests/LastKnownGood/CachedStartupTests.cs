using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.LastKnownGood;

public sealed class CachedStartupTests
{
    [Fact]
    public async Task RequiredSourceDown_HostStartsFromCache_DegradedSayingFromWhen_ThenConvergesWithExactlyOneReload()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("Db/Password", "old");
        store.Set("Api/Key", "k1");
        var writtenAt = await WriteCacheAsync(scenario, store);
        // The store fails before the clock moves: a poll of the disposed first configuration that was still due could
        // otherwise succeed and write the cache once more, which a CI run once counted as a write "while cached".
        store.FailEverything();
        scenario.Time.Advance(TimeSpan.FromHours(1));
        store.Set("Db/Password", "new");

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddSecretsManager(s =>
        {
            scenario.Configure(s);
            s.AddStore(store, TestConfig.Options());
        });
        using var host = builder.Build();
        await host.StartAsync();
        var config = host.Services.GetRequiredService<IConfiguration>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var manager = host.Services.GetRequiredService<ISecretsManager>();
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));

        Assert.Equal("old", config["Db:Password"]);
        Assert.Equal("k1", config["Api:Key"]);
        var degraded = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains($"serving cached secrets from {writtenAt:o}", degraded.Entries["secrets"].Description, StringComparison.Ordinal);
        Assert.Equal(writtenAt, Assert.Single(manager.Sources).ServingCachedFrom);
        Assert.Contains(scenario.Logs.Messages, m => m.StartsWith($"Starting from the last-known-good cache {scenario.CachePath}, written {writtenAt:o}", StringComparison.Ordinal));
        var writesWhileCached = scenario.Writes;

        // The live source keeps trying on its back-off; the first successful pass replaces the cached values.
        store.ClearFailures();
        var retryAt = scenario.Time.GetUtcNow() + TimeSpan.FromSeconds(5);
        await Waits.UntilAsync(() => scenario.Time.PendingDueTimes.Contains(retryAt), "the source's retry after its failed load");
        scenario.Time.Advance(TimeSpan.FromSeconds(5));
        await Waits.UntilAsync(() => Volatile.Read(ref reloads) == 1, "the one reload to live values");

        Assert.Equal("new", config["Db:Password"]);
        Assert.Equal("k1", config["Api:Key"]);
        Assert.Equal(HealthStatus.Healthy, (await health.CheckHealthAsync()).Status);
        Assert.Null(Assert.Single(manager.Sources).ServingCachedFrom);
        Assert.Equal(1, writesWhileCached); // Cached values are never written back with a new time.
        await scenario.WaitForWritesAsync(2); // The live values are.
        await manager.RefreshAsync();
        Assert.Equal(1, Volatile.Read(ref reloads));
        await host.StopAsync();
    }

    [Fact]
    public async Task IdenticalLiveValues_ReplaceTheCacheWithoutAnyReload()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "same");
        await WriteCacheAsync(scenario, store);
        store.FailEverything();

        var config = scenario.Build(null, store);
        var manager = config.GetSecretsManager();
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        Assert.Equal("same", config["A"]);

        store.ClearFailures();
        await manager.RefreshAsync();
        await Waits.UntilAsync(() => scenario.Logs.Messages.Any(m => m.StartsWith("Live secrets replaced the last-known-good cache", StringComparison.Ordinal)), "the convergence");

        Assert.Contains(scenario.Logs.Messages, m => m.Contains("0 configuration keys differed", StringComparison.Ordinal));
        Assert.Null(Assert.Single(manager.Sources).ServingCachedFrom);
        Assert.Equal(0, Volatile.Read(ref reloads));
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task SeveralSourcesDown_AllComeBack_ConvergeInOneReload()
    {
        using var scenario = new CacheScenario();
        var first = CacheScenario.Store("vault", scenario.Time);
        var second = CacheScenario.Store("aws", scenario.Time);
        var third = CacheScenario.Store("files", scenario.Time);
        first.Set("A", "a1");
        second.Set("B", "b1");
        third.Set("C", "c1");
        await WriteCacheAsync(scenario, first, second, third);
        foreach (var store in new[] { first, second, third })
        {
            store.FailEverything();
        }

        var config = scenario.Build(null, first, second, third);
        var manager = config.GetSecretsManager();
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));
        Assert.Equal("a1 b1 c1", $"{config["A"]} {config["B"]} {config["C"]}");
        Assert.All(manager.Sources, s => Assert.NotNull(s.ServingCachedFrom));

        first.Set("A", "a2");
        second.Set("B", "b2");
        third.Set("C", "c2");
        foreach (var store in new[] { first, second, third })
        {
            store.ClearFailures();
        }

        // Only the first source's retry is needed: its convergence gives the others an immediate pass.
        var retryAt = scenario.Time.GetUtcNow() + TimeSpan.FromSeconds(5);
        await Waits.UntilAsync(() => scenario.Time.PendingDueTimes.Count(t => t == retryAt) == 3, "the three retries");
        scenario.Time.Advance(TimeSpan.FromSeconds(5));
        await Waits.UntilAsync(() => manager.Sources.All(s => s.ServingCachedFrom is null) && Volatile.Read(ref reloads) > 0, "all three sources live");
        await Waits.UntilAsync(() => scenario.Logs.Messages.Any(m => m.StartsWith("Live secrets replaced the last-known-good cache", StringComparison.Ordinal)), "the convergence");

        Assert.Equal("a2 b2 c2", $"{config["A"]} {config["B"]} {config["C"]}");
        Assert.Equal(1, Volatile.Read(ref reloads));
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task OneSourceDown_OnlyItServesCachedValues_TheOthersServeLiveOnes()
    {
        using var scenario = new CacheScenario();
        var up = CacheScenario.Store("up", scenario.Time);
        var down = CacheScenario.Store("down", scenario.Time);
        up.Set("Up", "cached-up");
        down.Set("Down", "cached-down");
        await WriteCacheAsync(scenario, up, down);
        up.Set("Up", "live-up");
        down.FailEverything();

        var config = scenario.Build(null, up, down);
        var manager = config.GetSecretsManager();

        Assert.Equal("live-up", config["Up"]);
        Assert.Equal("cached-down", config["Down"]);
        Assert.Null(manager.Sources.Single(s => s.Name == up.Name).ServingCachedFrom);
        Assert.NotNull(manager.Sources.Single(s => s.Name == down.Name).ServingCachedFrom);
        var health = await new SecretsHealthCheck(manager, scenario.Time).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.StartsWith("serving cached secrets from", (string)health.Data[down.Name], StringComparison.Ordinal);
        Assert.Equal("fresh", health.Data[up.Name]);
        ((IDisposable)config).Dispose();
    }

    [Fact]
    public async Task RequiredSourceHangingPastTheStartupDeadline_StartsFromCache_ThenItsLoadConverges()
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("orders", scenario.Time);
        store.Set("A", "cached");
        await WriteCacheAsync(scenario, store);
        store.Set("A", "live");
        store.HangEverything();
        var start = scenario.Time.GetUtcNow();

        var build = Task.Run(() => new ConfigurationBuilder()
            .AddSecretsManager(s =>
            {
                scenario.Configure(s);
                s.StartupTimeout = TimeSpan.FromSeconds(30);
                s.AddStore(store, TestConfig.Options(o => o.Resilience.AttemptTimeout = TimeSpan.FromHours(1)));
            })
            .Build());
        await Waits.UntilAsync(() => store.HangingCalls == 1 && scenario.Time.PendingDueTimes.Contains(start + TimeSpan.FromSeconds(30)), "the load to hang with the deadline set");
        scenario.Time.Advance(TimeSpan.FromSeconds(30));
        var config = await build.WaitAsync(Waits.Guard);
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => Interlocked.Increment(ref reloads));

        Assert.Equal("cached", config["A"]);
        Assert.Contains(scenario.Logs.Messages, m => m.StartsWith("Starting from the last-known-good cache", StringComparison.Ordinal) && m.Contains("startup deadline", StringComparison.Ordinal));

        store.ClearFailures(); // The hung load answers: it is the first successful load, and replaces the cache.
        await Waits.UntilAsync(() => Volatile.Read(ref reloads) == 1, "the reload to live values");
        Assert.Equal("live", config["A"]);
        ((IDisposable)config).Dispose();
    }

    /// <summary>Loads <paramref name="stores"/> once with the cache on, waits for the cache file, and returns when it was written.</summary>
    internal static async Task<DateTimeOffset> WriteCacheAsync(CacheScenario scenario, params InMemorySecretStore[] stores)
    {
        var writtenAt = scenario.Time.GetUtcNow();
        var before = scenario.Writes;
        using (var config = (IDisposable)scenario.Build(null, stores))
        {
            await scenario.WaitForWritesAsync(before + 1);
        }

        return writtenAt;
    }
}
