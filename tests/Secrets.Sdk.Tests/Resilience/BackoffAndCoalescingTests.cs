using System.Threading.Channels;
using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Resilience;

public sealed class BackoffAndCoalescingTests
{
    [Fact]
    public async Task RetryAfterOfDays_IsCappedByRetryMaxDelay()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var options = TestConfig.Options(o =>
        {
            o.Resilience.MaxRetryAttempts = 1;
            o.Resilience.RetryMaxDelay = TimeSpan.FromSeconds(30);
            o.RefreshInterval = null; // only the retry delay is on the clock
        });
        var (config, manager) = TestConfig.Build(time, (store, options));
        store.Set("A", "2");
        store.FailNextListCalls(1, SecretErrorKind.Throttled, retryAfter: TimeSpan.FromSeconds(999999));

        var refresh = manager.RefreshAsync();
        var cap = time.GetUtcNow() + TimeSpan.FromSeconds(30);
        await Waits.UntilAsync(() => store.ListCalls == 2 && time.PendingDueTimes.Contains(cap), "a retry delay of the 30 s cap");
        Assert.DoesNotContain(time.PendingDueTimes, d => d > cap && d < time.GetUtcNow() + TimeSpan.FromHours(1));
        time.AdvanceTo(cap);
        var result = await refresh.WaitAsync(Waits.Guard);

        Assert.True(result.Succeeded);
        Assert.Equal(3, store.ListCalls);
        Assert.Equal("2", config["A"]);
    }

    [Fact]
    public async Task FiftyConcurrentRefreshes_ShareOneBackendPass_AndAllGetItsResult()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = null)));
        store.Set("A", "2");
        store.HangEverything();

        var first = manager.RefreshAsync();
        await Waits.UntilAsync(() => store.HangingCalls == 1, "the first refresh to reach the backend");
        var others = Enumerable.Range(0, 49).Select(_ => manager.RefreshAsync()).ToArray();
        store.ClearFailures();
        var results = await Task.WhenAll(others.Prepend(first)).WaitAsync(Waits.Guard);

        Assert.Equal(2, store.ListCalls); // the startup load and one shared pass
        Assert.Equal(2, store.GetCalls);
        Assert.All(results, r => Assert.Equal(["A"], r.ChangedKeys));
        Assert.Equal("2", config["A"]);
    }

    [Fact]
    public async Task RefreshWaitingOutRetryAfter_DoesNotHoldUpALeaseRotationCommit()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("vault-like", time);
        store.SetDynamic("database/creds/app", n => $"cred-{n}", ttl: TimeSpan.FromMinutes(30), maxTtl: TimeSpan.FromMinutes(30), renewable: false);
        var options = TestConfig.Options(o =>
        {
            o.RefreshInterval = null;
            o.KeyMapper = SecretKeyMapper.Create(_ => "Database");
            o.Resilience.MaxRetryAttempts = 1;
            o.Resilience.RetryMaxDelay = TimeSpan.FromHours(2);
        });
        options.Leases.Jitter = 0;
        var (config, manager) = TestConfig.Build(time, (store, options));
        var events = Channel.CreateUnbounded<SecretLeaseEventArgs>();
        manager.LeaseChanged += (_, e) => events.Writer.TryWrite(e);
        store.FailNextListCalls(1, SecretErrorKind.Throttled, retryAfter: TimeSpan.FromHours(1));

        var backoffEnds = time.GetUtcNow() + TimeSpan.FromHours(1);
        var refresh = manager.RefreshAsync();
        await Waits.UntilAsync(() => store.ListCalls == 2 && time.PendingDueTimes.Contains(backoffEnds), "the refresh in its one-hour back-off");
        time.AdvanceTo(time.NextTimerDueAt!.Value); // the lease's rotation (20 min), long before the back-off ends
        var rotated = await events.Reader.ReadAsync().AsTask().WaitAsync(Waits.Guard);

        Assert.Equal(SecretLeaseEventKind.Rotated, rotated.Kind);
        Assert.Equal("cred-2", config["Database"]);
        Assert.False(refresh.IsCompleted);
        var joined = manager.RefreshAsync();
        time.AdvanceTo(backoffEnds);
        var results = await Task.WhenAll(refresh, joined).WaitAsync(Waits.Guard);

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(3, store.ListCalls); // load, throttled try, its retry: the joined caller added no pass
        Assert.Equal($"cred-{store.LeasesOf("database/creds/app").Count}", config["Database"]); // the refresh never undid a rotation
    }

    [Fact]
    public async Task ExplicitRefresh_NeverJoinsAPassTheLoopStarted_ItGetsTheNextOne()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.RefreshInterval = TimeSpan.FromMinutes(5))));
        await Waits.UntilAsync(() => time.PendingTimers == 1, "the loop's poll timer");
        store.HangEverything();
        time.Advance(TimeSpan.FromMinutes(5));
        await Waits.UntilAsync(() => store.HangingCalls == 1, "the loop's pass to reach the silent backend");

        store.Set("A", "2"); // while the loop's pass is in flight: the caller must get a pass of its own
        var explicitRefresh = manager.RefreshAsync();
        var joined = manager.RefreshAsync();
        store.ClearFailures();
        var results = await Task.WhenAll(explicitRefresh, joined).WaitAsync(Waits.Guard);

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal("2", config["A"]);
        Assert.Equal(3, store.ListCalls); // load, the loop's pass, one shared explicit pass
    }
}
