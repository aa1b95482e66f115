using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Tests.LastKnownGood;

public sealed class LeasedSecretsCacheTests
{
    [Theory]
    [InlineData(30, true)]
    [InlineData(61, false)]
    public async Task LeasedSecret_IsServedFromCache_OnlyWhileItsLeaseHasNotExpired(int minutesLater, bool served)
    {
        using var scenario = new CacheScenario();
        var store = CacheScenario.Store("vault-dynamic", scenario.Time);
        store.Set("Static", "s");
        store.SetDynamic("Db/Creds", i => $"{{\"user\":\"u{i}\"}}", ttl: TimeSpan.FromHours(1), maxTtl: TimeSpan.FromHours(1), renewable: false);
        await CachedStartupTests.WriteCacheAsync(scenario, store);
        scenario.Time.Advance(TimeSpan.FromMinutes(minutesLater));
        store.FailEverything();

        var config = scenario.Build(null, store);

        Assert.Equal("s", config["Static"]);
        Assert.Equal(served ? "u1" : null, config["Db:Creds:user"]);
        Assert.Equal(!served, scenario.Logs.Messages.Any(m => m.Contains("leases have expired", StringComparison.Ordinal) && m.Contains("/Db/Creds", StringComparison.Ordinal)));
        ((IDisposable)config).Dispose();
    }
}
