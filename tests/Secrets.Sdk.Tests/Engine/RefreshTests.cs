using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Engine;

public sealed class RefreshTests
{
    [Fact]
    public async Task Refresh_NothingChanged_ReadsNoValuesAndFiresNoReload()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        store.Set("B", "2");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => reloads++);
        var readsAfterLoad = store.ValuesRead;

        var result = await manager.RefreshAsync();

        Assert.False(result.Changed);
        Assert.True(result.Succeeded);
        Assert.Equal(readsAfterLoad, store.ValuesRead);
        Assert.Equal(2, store.ListCalls);
        Assert.Equal(0, reloads);
    }

    [Fact]
    public async Task Refresh_OneRotation_ReadsOnlyChangedSecretAndFiresOneReloadNamingKey()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Db/Password", "old");
        store.Set("Other", "x");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => reloads++);
        SecretsChangedEventArgs? changed = null;
        manager.Changed += (_, e) => changed = e;
        var readsAfterLoad = store.ValuesRead;

        store.Set("Db/Password", "new");
        var result = await manager.RefreshAsync();

        Assert.Equal("new", config["Db:Password"]);
        Assert.Equal(readsAfterLoad + 1, store.ValuesRead);
        Assert.Equal(1, reloads);
        Assert.Equal(["Db:Password"], result.ChangedKeys);
        Assert.Equal(["Db:Password"], changed!.ChangedKeys);
    }

    [Fact]
    public async Task Refresh_NewVersionWithSameValue_FiresNoReload()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "same");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => reloads++);

        store.Set("A", "same");
        await manager.RefreshAsync();

        Assert.Equal(0, reloads);
    }

    [Fact]
    public async Task Refresh_DeletedAndAddedSecrets_AreRemovedAndAdded()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Gone", "1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));

        store.Delete("Gone");
        store.Set("New", "2");
        var result = await manager.RefreshAsync();

        Assert.Null(config["Gone"]);
        Assert.Equal("2", config["New"]);
        Assert.Equal(["Gone", "New"], result.ChangedKeys);
    }

    [Fact]
    public async Task Refresh_StoreDown_KeepsLastGoodValuesAndReportsFailure()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));

        store.FailEverything(SecretErrorKind.Unavailable);
        var result = await manager.RefreshAsync();

        Assert.False(result.Succeeded);
        Assert.IsType<SecretStoreException>(result.Failures["mem"]);
        Assert.Equal("1", config["A"]);
        var status = Assert.Single(manager.Sources);
        Assert.Equal(1, status.ConsecutiveFailures);
        Assert.Contains("Unavailable", status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refresh_AfterFailedPoll_ChangeTrackingSurvivesAndRotationFiresOnce()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        store.Set("B", "b");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        var reloads = 0;
        ChangeToken.OnChange(config.GetReloadToken, () => reloads++);

        store.FailEverything();
        await manager.RefreshAsync();
        store.ClearFailures();
        store.Set("A", "2");
        var reads = store.ValuesRead;
        var result = await manager.RefreshAsync();

        Assert.Equal(["A"], result.ChangedKeys);
        Assert.Equal(reads + 1, store.ValuesRead);
        Assert.Equal(1, reloads);
        Assert.Equal(0, manager.Sources[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task Refresh_OneSecretFails_OthersUpdateAndFailingKeepsLastValue()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "a1");
        store.Set("B", "b1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));

        store.Set("A", "a2");
        store.Set("B", "b2");
        store.FailSecret("B", SecretErrorKind.AccessDenied);
        await manager.RefreshAsync();

        Assert.Equal("a2", config["A"]);
        Assert.Equal("b1", config["B"]);
        Assert.Equal(["B"], manager.Sources[0].FailedSecrets);

        store.ClearFailures();
        await manager.RefreshAsync();
        Assert.Equal("b2", config["B"]);
        Assert.Empty(manager.Sources[0].FailedSecrets);
    }

    [Fact]
    public async Task Refresh_DuplicateKeyAppearsLater_RejectsRefreshAndKeepsSnapshot()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Db/Password", "a");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));

        store.Set("Db__Password", "b");
        var result = await manager.RefreshAsync();

        Assert.Equal("a", config["Db:Password"]);
        var error = Assert.IsType<SecretStoreException>(result.Failures["mem"]);
        Assert.Contains("'Db/Password'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Db__Password'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loop_PollsOnIntervalDrivenByTimeProvider()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = TimeSpan.FromMinutes(5))));
        var changed = new TaskCompletionSource<SecretsChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.Changed += (_, e) => changed.TrySetResult(e);
        await Waits.UntilAsync(() => time.PendingTimers > 0, "the refresh loop to schedule its first poll");

        store.Set("A", "2");
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("1", config["A"]);
        time.Advance(TimeSpan.FromMinutes(1));

        var e = await changed.Task.WaitAsync(Waits.Guard);
        Assert.Equal(["A"], e.ChangedKeys);
        Assert.Equal("2", config["A"]);
    }

    [Fact]
    public async Task Loop_ChangeSignalTriggersRefreshWithoutWaitingForInterval()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time) { RaiseChangeEvents = true };
        store.Set("A", "1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o =>
        {
            o.RefreshInterval = null;
            o.MinimumRefreshInterval = TimeSpan.Zero;
        })));
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.Changed += (_, _) => changed.TrySetResult();

        store.Set("A", "2");

        await changed.Task.WaitAsync(Waits.Guard);
        Assert.Equal("2", config["A"]);
    }

    [Fact]
    public void Jitter_SpreadsPollDelaysWithinBounds()
    {
        var schedule = new RefreshSchedule(new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0.1 });
        _ = schedule.NextDelay(consecutiveFailures: 0, loaded: true); // the first poll is spread over the whole interval

        var delays = Enumerable.Range(0, 500).Select(_ => schedule.NextDelay(consecutiveFailures: 0, loaded: true)!.Value).ToArray();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11)));
        Assert.True(delays.Distinct().Count() > 400, "delays should not repeat: a fleet must not poll in step");
        Assert.InRange(delays.Average(d => d.TotalMinutes), 9.8, 10.2);
    }

    [Fact]
    public void Jitter_UsesTheInjectedRandomSource_AtBothEnds()
    {
        var options = new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0.1 };
        var low = new RefreshSchedule(options, () => 0.0);
        var high = new RefreshSchedule(options, () => 0.999999);
        Assert.Equal(options.MinimumRefreshInterval, low.NextDelay(0, loaded: true)); // first poll: the start of the interval
        Assert.InRange(high.NextDelay(0, loaded: true)!.Value, TimeSpan.FromMinutes(10.99), TimeSpan.FromMinutes(11)); // ...or its end

        Assert.Equal(TimeSpan.FromMinutes(9), low.NextDelay(0, loaded: true));
        Assert.InRange(high.NextDelay(0, loaded: true)!.Value, TimeSpan.FromMinutes(10.99), TimeSpan.FromMinutes(11));
    }

    [Fact]
    public void Backoff_AfterFailures_GrowsAndIsCappedByMaxErrorBackoff()
    {
        var options = TestConfig.Options(o =>
        {
            o.RefreshInterval = TimeSpan.FromHours(1);
            o.MaxErrorBackoff = TimeSpan.FromSeconds(30);
        });
        var schedule = new RefreshSchedule(options, () => 0.5);

        var delays = Enumerable.Range(1, 6).Select(failures => schedule.NextDelay(failures, loaded: true)!.Value).ToArray();

        Assert.Equal(TimeSpan.FromSeconds(5), delays[0]);
        Assert.Equal(TimeSpan.FromSeconds(10), delays[1]);
        Assert.Equal(TimeSpan.FromSeconds(20), delays[2]);
        Assert.All(delays.Skip(3), d => Assert.Equal(TimeSpan.FromSeconds(30), d));
        Assert.Equal(TimeSpan.FromSeconds(5), schedule.NextDelay(0, loaded: false));
    }

    [Fact]
    public async Task Backoff_FailedRefreshesMoveTheLoopsNextPollToTheBackoff()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (_, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = TimeSpan.FromHours(1))));
        await Waits.UntilAsync(() => time.PendingTimers == 1, "the hourly poll");
        Assert.Equal([time.GetUtcNow() + TimeSpan.FromHours(1)], time.PendingDueTimes);

        store.FailEverything();
        time.Advance(TimeSpan.FromHours(1));
        await Waits.UntilAsync(() => manager.Sources[0].ConsecutiveFailures == 1 && time.PendingTimers == 1, "the failed poll and the next one");

        Assert.Equal([time.GetUtcNow() + TimeSpan.FromSeconds(5)], time.PendingDueTimes);
    }
}
