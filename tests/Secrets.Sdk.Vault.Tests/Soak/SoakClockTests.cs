using Secrets.Sdk.Soak;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Vault.Tests.Soak;

/// <summary>
/// The soak clock's two promises to the cycle driver, whose breach showed as an intermittent lease failure of the Vault
/// soak (a revocation's request "timed out after 60 s"): a <c>Task.Delay</c> is reported only once its timer is on the
/// clock, and a delay firing before the target of the step that fired it is recorded.
/// </summary>
public sealed class SoakClockTests
{
    [Fact]
    public void ADelay_IsReportedOnlyOnceItsTimerIsOnTheClock()
    {
        var time = new ManualTimeProvider();
        DateTimeOffset? dueWhenReported = null;
        var clock = new SoakClock(time, TimeSpan.FromMinutes(5), () => { }, () => dueWhenReported = time.NextTimerDueAt);

        _ = Task.Delay(TimeSpan.FromMinutes(1), clock);

        Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(1), dueWhenReported);
    }

    [Fact]
    public async Task ADelayFiringBeforeTheStepTarget_IsRecordedAsOvertaken_OneAtTheTargetIsNot()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var clock = new SoakClock(time, TimeSpan.FromMinutes(5), () => { }, () => { });
        var atTarget = Task.Delay(TimeSpan.FromMinutes(2), clock);

        clock.StepTarget = start + TimeSpan.FromMinutes(2);
        time.AdvanceTo(clock.StepTarget);
        await atTarget;
        Assert.Null(clock.Overtaken);

        var unseen = Task.Delay(TimeSpan.FromMinutes(1), clock);
        clock.StepTarget = start + TimeSpan.FromMinutes(5);
        time.AdvanceTo(clock.StepTarget);
        await unseen;
        Assert.Equal(start + TimeSpan.FromMinutes(3), clock.Overtaken);
    }
}
