namespace Secrets.Sdk.Http;

/// <summary>
/// Leave from <see cref="SharedThrottleGate"/> to send one request, or its refusal. Report what came back exactly once:
/// <see cref="Throttled"/> for a throttled answer, <see cref="Answered"/> for any other answer, <see cref="Abandoned"/> when
/// none came (a transport failure, a timeout, a cancellation). Later reports are ignored, except that a throttle found
/// after <see cref="Answered"/> (a vendor's throttling code read from the body) still closes the gate.
/// </summary>
public sealed class ThrottlePass
{
    private readonly ThrottleTicket? _ticket;
    private readonly ThrottleGateOptions? _options;

    internal ThrottlePass(ThrottleTicket ticket, ThrottleGateOptions options)
    {
        _ticket = ticket;
        _options = options;
    }

    private ThrottlePass(bool refused, TimeSpan retryAfter)
    {
        IsRefused = refused;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets a value indicating whether the gate refused the request: send nothing, and retry after <see cref="RetryAfter"/>.</summary>
    public bool IsRefused { get; }

    /// <summary>Gets how long the gate stays closed, when it refused; otherwise zero.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Gets the pass of a client whose gate is switched off: granted, and its reports change nothing.</summary>
    internal static ThrottlePass Ungated { get; } = new(refused: false, TimeSpan.Zero);

    /// <summary>Reports a throttled answer: the gate closes for <paramref name="retryAfter"/> (capped), or for the back-off without one.</summary>
    /// <param name="retryAfter">The server's delay, when it gave one.</param>
    public void Throttled(TimeSpan? retryAfter) => _ticket?.Throttled(retryAfter, _options!);

    /// <summary>Reports an answer that is not a throttle: a success resets the back-off, and a probe's answer reopens the gate.</summary>
    /// <param name="success">Whether the answer was a success (2xx).</param>
    public void Answered(bool success) => _ticket?.Answered(success);

    /// <summary>Reports that no answer came: a probe's turn goes to the next request.</summary>
    public void Abandoned() => _ticket?.Abandoned();

    internal static ThrottlePass Refused(TimeSpan refusedFor) => new(refused: true, refusedFor);
}
