using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Soak;

/// <summary>
/// The soak's clock: a <see cref="ManualTimeProvider"/> seen through a wrapper that counts, without polling, the two
/// things the cycle driver waits for: a refresh loop arming its next wait (a one-shot timer of exactly the refresh
/// interval, see <c>RefreshLoop.WaitAsync</c>) and any other <c>Task.Delay</c> ending (a lease renewal, a revocation's
/// grace period). Each is reported through <paramref name="onEvent"/> so the driver wakes at once.
/// </summary>
internal sealed class SoakClock(ManualTimeProvider inner, TimeSpan refreshInterval, Action onEvent, Action onDelayArmed) : TimeProvider
{
    private long _loopArms;
    private long _otherFired;

    public ManualTimeProvider Inner => inner;

    public TimeSpan RefreshInterval => refreshInterval;

    /// <summary>Gets how many times a refresh loop armed its wait for the next poll.</summary>
    public long LoopArms => Interlocked.Read(ref _loopArms);

    /// <summary>Gets how many <c>Task.Delay</c> timers other than the refresh loops' waits fired.</summary>
    public long OtherFired => Interlocked.Read(ref _otherFired);

    /// <summary>Gets or sets the time the driver is moving the clock to (every delay it knows of is due there or later).</summary>
    public DateTimeOffset StepTarget { get; set; }

    /// <summary>Gets when a delay fired before the step's target (the driver did not know of it), if one ever did.</summary>
    public DateTimeOffset? Overtaken { get; private set; }

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (dueTime == refreshInterval && period == Timeout.InfiniteTimeSpan)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            Interlocked.Increment(ref _loopArms);
            onEvent();
            return timer;
        }

        // Only a Task.Delay's timer starts work when it fires (a lease renewal, a revocation after its grace period).
        // Timeouts (a CancellationTokenSource's, Task.WaitAsync's) can fire just after the work they guard finished,
        // doing nothing, so they are not counted.
        if (state is not null && state.GetType().Name.StartsWith("DelayPromise", StringComparison.Ordinal))
        {
            // The timer is on the clock before the driver hears of it: told first, the driver could look for the next due
            // timer, miss this one, and move the clock to the poll in one step, firing this delay on the way without
            // waiting for its work (a revocation whose request then timed out as the clock went on past its 60 s).
            var timer = inner.CreateTimer(static s => ((CountedCallback)s!).Fire(), new CountedCallback(this, callback, state), dueTime, period);
            onDelayArmed();
            return timer;
        }

        return inner.CreateTimer(callback, state, dueTime, period);
    }

    private sealed class CountedCallback(SoakClock owner, TimerCallback callback, object? state)
    {
        public void Fire()
        {
            Interlocked.Increment(ref owner._otherFired);
            var at = owner.GetUtcNow();
            if (at < owner.StepTarget)
            {
                // Fired on the way to a later time: the clock went on without waiting for this delay's work.
                owner.Overtaken ??= at;
            }

            callback(state);
            owner.Signal();
        }
    }

    private void Signal() => onEvent();
}
