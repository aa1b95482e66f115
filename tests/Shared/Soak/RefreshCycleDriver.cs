using System.Diagnostics.Metrics;
using Secrets.Sdk.Testing;

namespace Secrets.Sdk.Soak;

/// <summary>
/// Drives refresh cycles on a manual clock without sleeping. A cycle moves the clock to the refresh loops' next due time
/// and waits, on events rather than by polling, until the engine says the cycle is over: every source reported its pass
/// (the <c>secrets.refreshes</c> counter, tagged with the outcome), every loop armed its next wait (<see cref="SoakClock"/>),
/// and every other delay that ended (lease renewals, token renewals, revocations after their grace period) ended in a
/// lease event (<c>secrets.lease.events</c>: renewed, rotated, revoked or a failure). Only then does the clock move again,
/// so no request in flight is ever overtaken by its own timeout.
/// </summary>
internal sealed class RefreshCycleDriver : IDisposable
{
    /// <summary>How long a cycle may take in real time before the driver gives up and reports what it was waiting for.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _pulse = new(0);
    private readonly MeterListener _listener = new();
    private readonly CancellationTokenSource _guard = new();
    private readonly Func<string, bool> _ownsSource;
    private readonly int _sources;
    private readonly Func<int> _inFlight;
    private DateTimeOffset _nextDue;
    private long _passes;
    private long _changed;
    private long _failed;
    private long _leaseDone;
    private long _leaseFailures;
    private long _leaseRotations;
    private long _reloads;
    private long _storeCalls;
    private int _followUps;

    /// <param name="time">The manual clock the engine's <see cref="SoakClock"/> wraps.</param>
    /// <param name="refreshInterval">The sources' refresh interval (their jitter must be 0).</param>
    /// <param name="sources">How many sources poll (each makes one pass per cycle).</param>
    /// <param name="ownsSource">Whether a metric's <c>source</c> tag belongs to the run (other tests may run meanwhile).</param>
    /// <param name="inFlight">The client's requests on the wire (see <see cref="ISoakBackend.InFlight"/>); wake the driver with <see cref="Pulse"/> as each ends.</param>
    public RefreshCycleDriver(ManualTimeProvider time, TimeSpan refreshInterval, int sources, Func<string, bool> ownsSource, Func<int> inFlight)
    {
        _inFlight = inFlight;
        Clock = new SoakClock(time, refreshInterval, () => _pulse.Release(), FollowedUp);
        _sources = sources;
        _ownsSource = ownsSource;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SecretsTelemetry.Name && instrument.Name is "secrets.refreshes" or "secrets.lease.events" or "secrets.reloads" or "secrets.backend.calls")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Gets the clock to give the secrets builder.</summary>
    public SoakClock Clock { get; }

    public long Cycles { get; private set; }

    /// <summary>Gets the refresh passes that found a change.</summary>
    public long Changed => Interlocked.Read(ref _changed);

    /// <summary>Gets the refresh passes that failed.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Gets the lease events that were failures (renewal, rotation or revocation failed, or a lease expired).</summary>
    public long LeaseFailures => Interlocked.Read(ref _leaseFailures);

    /// <summary>Gets the credentials rotated by the lease manager (dynamic secrets and the backend's own token).</summary>
    public long LeaseRotations => Interlocked.Read(ref _leaseRotations);

    /// <summary>Gets the lease events that end a renewal, rotation or revocation.</summary>
    public long LeaseEvents => Interlocked.Read(ref _leaseDone);

    public long Reloads => Interlocked.Read(ref _reloads);

    /// <summary>Gets the store operations (lists, reads, renewals) the engine made, whatever HTTP requests they took.</summary>
    public long StoreCalls => Interlocked.Read(ref _storeCalls);

    /// <summary>Waits until startup armed every loop's first poll (one interval after the load, as jitter is 0).</summary>
    public async Task BeginAsync()
    {
        _guard.CancelAfter(Guard);
        await WaitAsync(() => Clock.LoopArms >= _sources, () => $"startup armed {Clock.LoopArms} of {_sources} refresh loops");
        _nextDue = Clock.GetUtcNow() + Clock.RefreshInterval;
    }

    /// <summary>
    /// Runs one refresh cycle: steps the clock through every timer due before the next poll, waiting after each step
    /// for the work it started (a renewal's request must not be overtaken by its own 60-second timeout), then moves it
    /// to the poll and waits until every source finished its pass and armed its next wait.
    /// </summary>
    public async Task CycleAsync()
    {
        _guard.CancelAfter(Guard); // Re-arms the one guard timer; allocates nothing per cycle.
        while (Clock.Inner.NextTimerDueAt is { } due && due < _nextDue)
        {
            var fired = Clock.OtherFired;
            var leaseDone = Interlocked.Read(ref _leaseDone);
            Step(due);
            await WaitAsync(() => Interlocked.Read(ref _leaseDone) - leaseDone >= Clock.OtherFired - fired, () =>
                $"lease events {Interlocked.Read(ref _leaseDone) - leaseDone}/{Clock.OtherFired - fired} for the delays that ended at {due:O}");
        }

        var arms = Clock.LoopArms;
        var passes = Interlocked.Read(ref _passes);
        var atPoll = Clock.OtherFired;
        var leaseDoneAtPoll = Interlocked.Read(ref _leaseDone);
        Step(_nextDue);
        await WaitAsync(
            () => Clock.LoopArms - arms >= _sources
                && Interlocked.Read(ref _passes) - passes >= _sources
                && Interlocked.Read(ref _leaseDone) - leaseDoneAtPoll >= Clock.OtherFired - atPoll,
            () => $"loops armed {Clock.LoopArms - arms}/{_sources}, passes {Interlocked.Read(ref _passes) - passes}/{_sources}, lease events {Interlocked.Read(ref _leaseDone) - leaseDoneAtPoll}/{Clock.OtherFired - atPoll}");
        _nextDue += Clock.RefreshInterval;
        Cycles++;
    }

    /// <summary>
    /// Moves the clock to <paramref name="target"/>, which no delay the driver knows of precedes. A delay armed unseen
    /// (after the driver looked for the next due timer) would fire on the way, its work not waited for and then overtaken
    /// by the clock: the run stops there, as a fault of this driver, not of the code under test.
    /// </summary>
    private void Step(DateTimeOffset target)
    {
        Clock.StepTarget = target;
        Clock.Inner.AdvanceTo(target);
        if (Clock.Overtaken is { } at)
        {
            throw new InvalidOperationException(
                $"Soak driver fault: a Task.Delay on the clock fired at {at:O}, inside a step to {target:O}, before the driver knew of it; the work it started was not waited for.");
        }
    }

    /// <summary>Wakes the driver to check again what it waits for.</summary>
    public void Pulse() => _pulse.Release();

    /// <summary>Called as a request starts or a delay is armed: the work a rotation left to schedule has been scheduled.</summary>
    public void FollowedUp()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _followUps);
        }
        while (current > 0 && Interlocked.CompareExchange(ref _followUps, current - 1, current) != current);

        _pulse.Release();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _guard.Dispose();
        _pulse.Dispose();
    }

    private async Task WaitAsync(Func<bool> done, Func<string> waitingFor)
    {
        // Besides the events, no request may be on the wire: a lease event can come from work no timer started (a
        // token obtained again on demand), and the clock must not overtake a request's timeout.
        while (!done() || _inFlight() != 0 || Volatile.Read(ref _followUps) != 0)
        {
            try
            {
                await _pulse.WaitAsync(_guard.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"Cycle {Cycles + 1} at {Clock.GetUtcNow():O} did not finish within {Guard}: {waitingFor()}, requests on the wire {_inFlight()}, rotations whose revocation is not scheduled yet {Volatile.Read(ref _followUps)}; timers pending: " +
                    string.Join(", ", Clock.Inner.PendingDueTimes.Select(t => t.ToString("O", System.Globalization.CultureInfo.InvariantCulture))) + ".");
            }
        }
    }

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? source = null;
        string? kind = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "source":
                    source = tag.Value as string;
                    break;
                case "outcome" or "kind":
                    kind = tag.Value as string;
                    break;
            }
        }

        if (source is null || !_ownsSource(source))
        {
            return;
        }

        switch (instrument.Name)
        {
            case "secrets.refreshes":
                if (kind == "changed")
                {
                    Interlocked.Increment(ref _changed);
                }
                else if (kind == "failed")
                {
                    Interlocked.Increment(ref _failed);
                }

                Interlocked.Increment(ref _passes);
                break;
            case "secrets.lease.events":
                switch (kind)
                {
                    case "Renewed" or "Revoked":
                        Interlocked.Increment(ref _leaseDone);
                        break;
                    case "Rotated":
                        // Right after this event, on the same thread, the replaced lease's revocation is scheduled: a
                        // Task.Delay of the grace period, or at once (a request) when the lease has less left than that.
                        Interlocked.Increment(ref _followUps);
                        Interlocked.Increment(ref _leaseRotations);
                        Interlocked.Increment(ref _leaseDone);
                        break;
                    case "RenewalCapped":
                        break; // A rotation follows within the same timer's work.
                    default:
                        Interlocked.Increment(ref _leaseFailures);
                        Interlocked.Increment(ref _leaseDone); // A failure ends the wait too; the run reports it.
                        break;
                }

                break;
            case "secrets.reloads":
                Interlocked.Add(ref _reloads, value);
                break;
            default:
                Interlocked.Add(ref _storeCalls, value);
                return; // Not an event the cycle waits for.
        }

        _pulse.Release();
    }
}
