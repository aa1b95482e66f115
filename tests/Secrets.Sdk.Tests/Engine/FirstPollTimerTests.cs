using Secrets.Sdk.Testing;
using Secrets.Sdk.Tests.Infrastructure;

namespace Secrets.Sdk.Tests.Engine;

/// <summary>The first poll's timer is armed before the configuration build returns, so a test clock can drive it at once.</summary>
public sealed class FirstPollTimerTests
{
    [Fact]
    public async Task Build_ArmsTheFirstPollBeforeReturning_SoOneAdvanceRightAfterItRefreshes()
    {
        var time = new ManualTimeProvider();
        var store = new InMemorySecretStore("mem", time);
        store.Set("Api--Key", "v1");
        var (config, manager) = TestConfig.Build(time, (store, TestConfig.Options()));
        using var _ = config as IDisposable;
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        manager.Changed += (_, _) => changed.TrySetResult();

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(1), time.NextTimerDueAt); // no waiting for a thread-pool thread
        store.Set("Api--Key", "v2");
        time.Advance(TimeSpan.FromMinutes(1));
        await changed.Task.WaitAsync(Waits.Guard);

        Assert.Equal("v2", config["Api:Key"]);
    }
}
