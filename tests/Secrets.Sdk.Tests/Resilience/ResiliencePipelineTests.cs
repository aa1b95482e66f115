using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Resilience;

public sealed class ResiliencePipelineTests
{
    [Fact]
    public async Task Throttled_RetryWaitsForRetryAfterThenSucceeds()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var options = TestConfig.Options(o =>
        {
            o.Resilience.MaxRetryAttempts = 3;
            o.RefreshInterval = null; // only the retry delay is on the clock
        });
        var (config, manager) = TestConfig.Build(time, (store, options));
        store.Set("A", "2");
        store.FailNextListCalls(1, SecretErrorKind.Throttled, retryAfter: TimeSpan.FromSeconds(7));

        var refresh = manager.RefreshAsync();
        var due = time.GetUtcNow() + TimeSpan.FromSeconds(7);
        await Waits.UntilAsync(() => store.ListCalls == 2 && time.PendingDueTimes.Contains(due), "a retry delay of exactly the Retry-After (7 s)");
        time.AdvanceTo(due);
        var result = await refresh.WaitAsync(Waits.Guard);

        Assert.True(result.Succeeded);
        Assert.Equal(3, store.ListCalls);
        Assert.Equal("2", config["A"]);
    }

    [Fact]
    public async Task Transient_RetriesWithGrowingDelays_ThenReportsFailure()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var options = TestConfig.Options(o =>
        {
            o.Resilience.MaxRetryAttempts = 2;
            o.Resilience.RetryBaseDelay = TimeSpan.FromSeconds(1);
            o.RefreshInterval = null; // only retry delays are on the clock
        });
        var (config, manager) = TestConfig.Build(time, (store, options));
        store.FailEverything(SecretErrorKind.Unavailable);

        var refresh = manager.RefreshAsync();
        for (var attempt = 2; attempt <= 3; attempt++)
        {
            var expected = attempt;
            await Waits.UntilAsync(() => store.ListCalls == expected && time.PendingDueTimes.Any(d => d - time.GetUtcNow() < TimeSpan.FromSeconds(30)), "retry " + attempt);
            time.AdvanceTo(time.PendingDueTimes.First(d => d - time.GetUtcNow() < TimeSpan.FromSeconds(30)));
        }

        var result = await refresh.WaitAsync(Waits.Guard);
        Assert.False(result.Succeeded);
        Assert.Equal(4, store.ListCalls);
        Assert.Equal("1", config["A"]);
    }

    [Fact]
    public async Task AccessDenied_IsNotRetried()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var (_, manager) = TestConfig.Build(time, (store, TestConfig.Options(o => o.Resilience.MaxRetryAttempts = 3)));
        store.FailEverything(SecretErrorKind.AccessDenied);

        var result = await manager.RefreshAsync();

        Assert.False(result.Succeeded);
        Assert.Equal(2, store.ListCalls);
    }

    [Fact]
    public async Task Timeout_SlowBackendCallIsCutAndReported()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("A", "1");
        var options = TestConfig.Options(o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(2));
        var (config, manager) = TestConfig.Build(time, (store, options));
        store.Latency = TimeSpan.FromSeconds(30);

        var refresh = manager.RefreshAsync();
        await Waits.UntilAsync(() => time.PendingTimers >= 2, "the call and its timeout");
        time.Advance(TimeSpan.FromSeconds(2));
        var result = await refresh.WaitAsync(Waits.Guard);

        Assert.False(result.Succeeded);
        Assert.IsType<Polly.Timeout.TimeoutRejectedException>(result.Failures["mem"]);
        Assert.Equal("1", config["A"]);
    }
}
