namespace Secrets.Sdk.Http;

/// <summary>
/// One endpoint's shared throttle budget, used by every <see cref="BackendHttpClient"/> in the process that talks to that
/// endpoint on the same clock (see <see cref="ThrottleGates"/>). A throttled answer (429, or a vendor's throttling error
/// code in another status) closes the gate for the server's <c>Retry-After</c>, or — without one — for an exponential
/// back-off with jitter, both capped. While it is closed no request is sent: a short wait is awaited inside the call, a
/// longer one is refused with the time left as <see cref="SecretStoreException.RetryAfter"/>. When it reopens, the first
/// request is a probe and the others wait for its answer; a success resets the back-off.
/// </summary>
/// <remarks>
/// State changes under one lock, never across I/O. An answer to a request sent before the latest closure (an epoch
/// older than the gate's) can lengthen the closure but never grows the back-off, so 16 requests in flight that all come
/// back 429 count as one throttle, not sixteen.
/// </remarks>
internal sealed class ThrottleGate
{
    /// <summary>How many requests may wait on one gate at once; more are refused (bounded memory under a storm).</summary>
    internal const int MaxWaiters = 1024;

    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly Func<double> _random;
    private DateTimeOffset _closedUntil = DateTimeOffset.MinValue;
    private int _throttles;
    private long _epoch;
    private bool _needsProbe;
    private bool _probeOut;
    private TaskCompletionSource _changed = NewSignal();
    private int _waiters;
    private DateTimeOffset? _lastThrottleAt;

    public ThrottleGate(string authority, TimeProvider time, Func<double>? random = null)
    {
        Authority = authority;
        _time = time;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Gets the endpoint this gate guards (<c>scheme://host[:port]</c>).</summary>
    public string Authority { get; }

    /// <summary>Gets the time the gate reopens, or <see langword="null"/> while it is open.</summary>
    public DateTimeOffset? ClosedUntil
    {
        get
        {
            lock (_lock)
            {
                return _closedUntil > _time.GetUtcNow() ? _closedUntil : null;
            }
        }
    }

    /// <summary>Gets how many throttle episodes in a row the back-off has counted (0 after a success).</summary>
    public int Throttles
    {
        get
        {
            lock (_lock)
            {
                return _throttles;
            }
        }
    }

    /// <summary>Gets the time of the last throttled answer, for refusal messages.</summary>
    public DateTimeOffset? LastThrottleAt
    {
        get
        {
            lock (_lock)
            {
                return _lastThrottleAt;
            }
        }
    }

    /// <summary>
    /// Waits for leave to send: at once while the gate is open; an awaited wait while it is closed for at most
    /// <paramref name="inlineWait"/> more, or while a probe is out; otherwise a refusal.
    /// </summary>
    /// <param name="inlineWait">The longest closure awaited inside the call.</param>
    /// <param name="cancellationToken">Bounds the wait (the call's timeout and the caller's cancellation).</param>
    /// <returns>A ticket to report the answer on, or a refusal with the time left.</returns>
    public async ValueTask<(ThrottleTicket? Ticket, TimeSpan Refused)> EnterAsync(TimeSpan inlineWait, CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan? delay = null;
            Task? probeAnswered = null;
            lock (_lock)
            {
                var now = _time.GetUtcNow();
                var left = _closedUntil - now;
                if (left > TimeSpan.Zero)
                {
                    if (left > inlineWait || _waiters >= MaxWaiters)
                    {
                        return (null, left);
                    }

                    // Whole milliseconds, rounded up: timers (the system's and test clocks alike) count whole
                    // milliseconds, so a wait for the exact remainder can end a fraction early and a sub-millisecond
                    // rest would then be a zero-length wait, over and over, until the clock moves on.
                    delay = TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds));
                }
                else if (!_needsProbe)
                {
                    return (new ThrottleTicket(this, _epoch, probe: false), TimeSpan.Zero);
                }
                else if (!_probeOut)
                {
                    _probeOut = true;
                    return (new ThrottleTicket(this, _epoch, probe: true), TimeSpan.Zero);
                }
                else if (_waiters >= MaxWaiters)
                {
                    return (null, TimeSpan.FromSeconds(1));
                }
                else
                {
                    probeAnswered = _changed.Task;
                }

                _waiters++;
            }

            try
            {
                // Timers and token registrations are made outside the lock, and the wait always resumes on the thread
                // pool: never inline on the thread that fires a timer or cancels a token (a test clock's, for one).
                var wait = delay is { } d ? Task.Delay(d, _time, cancellationToken) : probeAnswered!.WaitAsync(cancellationToken);
                await wait.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }
            finally
            {
                lock (_lock)
                {
                    _waiters--;
                }
            }
        }
    }

    /// <summary>A throttled answer: closes the gate for <paramref name="retryAfter"/> (capped) or for the back-off.</summary>
    internal void Throttled(ThrottleTicket ticket, TimeSpan? retryAfter, TimeSpan baseDelay, TimeSpan maxDelay, bool probeSlot)
    {
        TaskCompletionSource? signal = null;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            _lastThrottleAt = now;
            var fresh = ticket.Epoch == _epoch;
            if (fresh)
            {
                _throttles = Math.Min(_throttles + 1, 30);
                _epoch++;
            }

            TimeSpan delay;
            if (retryAfter is { } asked && asked > TimeSpan.Zero)
            {
                delay = asked < maxDelay ? asked : maxDelay;
            }
            else
            {
                // Exponential back-off with "equal jitter": half the step fixed, half random, so a fleet spreads out
                // but no instance comes back sooner than half the step.
                var step = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, _throttles - 1));
                step = Math.Min(step, maxDelay.TotalMilliseconds);
                delay = TimeSpan.FromMilliseconds((step / 2) + (_random() * step / 2));
            }

            var until = now + delay;
            if (until > _closedUntil)
            {
                _closedUntil = until;
            }

            _needsProbe = true;
            if (probeSlot)
            {
                _probeOut = false;
                signal = Swap();
            }
        }

        signal?.TrySetResult();
    }

    /// <summary>An answer that is not a throttle: a success resets the back-off; a probe's answer reopens the gate.</summary>
    internal void Answered(ThrottleTicket ticket, bool success, bool probeSlot)
    {
        TaskCompletionSource? signal = null;
        lock (_lock)
        {
            if (success && (ticket.Epoch == _epoch || probeSlot))
            {
                _throttles = 0;
            }

            if (probeSlot)
            {
                _probeOut = false;
                _needsProbe = false;
                signal = Swap();
            }
        }

        signal?.TrySetResult();
    }

    /// <summary>A probe got no answer (a transport failure, a timeout, a cancellation): its slot goes to the next request.</summary>
    internal void Abandoned()
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _probeOut = false;
            signal = Swap();
        }

        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TaskCompletionSource Swap()
    {
        var old = _changed;
        _changed = NewSignal();
        return old;
    }
}
