namespace Secrets.Sdk.Http;

/// <summary>
/// Leave to send one request through a <see cref="ThrottleGate"/>; the request's answer is reported on it exactly once
/// (later reports are ignored), so a probe always hands its slot on.
/// </summary>
internal sealed class ThrottleTicket
{
    private readonly ThrottleGate _gate;
    private int _reported;

    public ThrottleTicket(ThrottleGate gate, long epoch, bool probe)
    {
        _gate = gate;
        Epoch = epoch;
        Probe = probe;
    }

    /// <summary>Gets the gate's closure count when the request was let through.</summary>
    public long Epoch { get; }

    /// <summary>Gets a value indicating whether this request is the probe after a closure.</summary>
    public bool Probe { get; }

    /// <summary>Reports a throttled answer.</summary>
    public void Throttled(TimeSpan? retryAfter, BackendHttpOptions options)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _gate.Throttled(this, retryAfter, options.ThrottleBaseDelay, options.ThrottleMaxDelay);
        }
    }

    /// <summary>Reports an answer that is not a throttle.</summary>
    public void Answered(bool success)
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _gate.Answered(this, success);
        }
    }

    /// <summary>Reports that no answer came.</summary>
    public void Abandoned()
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
        {
            _gate.Abandoned(this);
        }
    }
}
