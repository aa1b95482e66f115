namespace Secrets.Sdk.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test says so. Timers (and so
/// <c>Task.Delay(delay, timeProvider)</c>, Polly delays and the SDK's refresh and lease loops) fire
/// synchronously inside <see cref="Advance"/> when their due time is reached, so tests need no sleeps.
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _sequence;

    /// <summary>Creates a clock starting at 2026-01-01T00:00:00Z.</summary>
    public ManualTimeProvider()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Creates a clock starting at <paramref name="start"/>.</summary>
    /// <param name="start">The initial time.</param>
    public ManualTimeProvider(DateTimeOffset start) => _now = start.ToUniversalTime();

    /// <summary>Gets the number of timers that are scheduled and not yet due.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    /// <summary>Gets the time of the next scheduled timer, if any.</summary>
    public DateTimeOffset? NextTimerDueAt
    {
        get
        {
            lock (_gate)
            {
                return _timers.Where(t => t.DueAt is not null).Select(t => t.DueAt).Min();
            }
        }
    }

    /// <summary>Gets the due times of every scheduled timer, earliest first.</summary>
    public IReadOnlyList<DateTimeOffset> PendingDueTimes
    {
        get
        {
            lock (_gate)
            {
                return _timers.Where(t => t.DueAt is not null).Select(t => t.DueAt!.Value).Order().ToArray();
            }
        }
    }

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <inheritdoc/>
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer that falls due, in order.</summary>
    /// <param name="delta">How far to move; must not be negative.</param>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + delta;
        }

        AdvanceTo(target);
    }

    /// <summary>Moves the clock forward to <paramref name="target"/>, firing every timer that falls due, in order.</summary>
    /// <param name="target">The new time; must not be earlier than now.</param>
    public void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? due;
            lock (_gate)
            {
                if (target < _now)
                {
                    throw new ArgumentOutOfRangeException(nameof(target), "The clock cannot move backwards.");
                }

                due = _timers
                    .Where(t => t.DueAt is { } d && d <= target)
                    .OrderBy(t => t.DueAt)
                    .ThenBy(t => t.Sequence)
                    .FirstOrDefault();
                if (due is null)
                {
                    _now = target;
                    return;
                }

                if (due.DueAt > _now)
                {
                    _now = due.DueAt!.Value;
                }

                due.Reschedule();
            }

            due.Fire();
        }
    }

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
            timer.SetSchedule(dueTime, period);
        }

        return timer;
    }

    private sealed class ManualTimer : ITimer
    {
        private readonly ManualTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private TimeSpan _period;

        public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
        }

        public DateTimeOffset? DueAt { get; private set; }

        public long Sequence { get; private set; }

        // Called under the owner's lock.
        public void SetSchedule(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            Sequence = Interlocked.Increment(ref _owner._sequence);
            DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : _owner._now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
        }

        // Called under the owner's lock when the timer fires.
        public void Reschedule()
        {
            DueAt = _period == Timeout.InfiniteTimeSpan || _period <= TimeSpan.Zero ? null : DueAt + _period;
        }

        public void Fire() => _callback(_state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_owner._gate)
            {
                if (!_owner._timers.Contains(this))
                {
                    return false;
                }

                SetSchedule(dueTime, period);
                return true;
            }
        }

        public void Dispose()
        {
            lock (_owner._gate)
            {
                _owner._timers.Remove(this);
                DueAt = null;
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }
    }
}
