using Microsoft.Extensions.Configuration;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Engine;

public sealed class LoopLifetimeTests
{
    [Fact]
    public async Task ConfigurationRootReload_RefreshesWithoutStartingAnotherLoop()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = TimeSpan.FromMinutes(5))));
        await Waits.UntilAsync(() => time.PendingTimers == 1, "the single refresh loop timer");

        store.Set("A", "2");
        config.Reload();
        config.Reload();
        config.Reload();

        Assert.Equal("2", config["A"]);
        Assert.Equal(1, time.PendingTimers);
    }

    [Fact]
    public async Task Dispose_StopsTheLoop()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (config, _) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = TimeSpan.FromMinutes(5))));
        await Waits.UntilAsync(() => time.PendingTimers == 1, "the refresh loop timer");

        ((IDisposable)config).Dispose();

        await Waits.UntilAsync(() => time.PendingTimers == 0, "the loop to stop");
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, store.ListCalls);
    }
}
