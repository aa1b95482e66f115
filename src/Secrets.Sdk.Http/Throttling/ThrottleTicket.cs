namespace Secrets.Sdk.Http;

/// <summary>
/// Leave to send one request through a <see cref="ThrottleGate"/>. A probe's slot is handed on as soon as its answer's
/// headers are in (never held while the caller works with the answer, which may mean more calls to the same endpoint,
/// such as Vault's token check after a 403); a throttle or a success is reported at most once, and a throttle may still
/// come after the slot was handed on (a vendor's throttling code found in an error body, such as AWS's 400).
/// </summary>
internal sealed class ThrottleTicket
{
    private readonly ThrottleGate _gate;
    private int _slotHandedOn;
    private int _verdict;

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

    /// <summary>Reports a throttled answer: the gate closes.</summary>
    /// <param name="retryAfter">The server's delay, when it gave one.</param>
    /// <param name="options">The caller's back-off settings.</param>
    public void Throttled(TimeSpan? retryAfter, ThrottleGateOptions options)
    {
        if (Interlocked.Exchange(ref _verdict, 1) == 0)
        {
            _gate.Throttled(this, retryAfter, options.BaseDelay, options.MaxDelay, TakeSlot());
        }
    }

    /// <summary>Reports an answer that is not (yet known to be) a throttle: a success resets the back-off; a probe's answer reopens the gate.</summary>
    /// <param name="success">Whether the answer was a 2xx.</param>
    public void Answered(bool success)
    {
        var slot = TakeSlot();
        var verdict = success && Interlocked.Exchange(ref _verdict, 1) == 0;
        if (slot || verdict)
        {
            _gate.Answered(this, verdict, slot);
        }
    }

    /// <summary>Reports that no answer came: a probe's slot goes to the next request.</summary>
    public void Abandoned()
    {
        if (TakeSlot())
        {
            _gate.Abandoned();
        }
    }

    private bool TakeSlot() => Probe && Interlocked.Exchange(ref _slotHandedOn, 1) == 0;
}
