namespace Secrets.Sdk.Http;

/// <summary>
/// The process's shared throttle gates, one per endpoint (<c>scheme://host:port</c>) and clock, for a backend that does
/// not send through <see cref="BackendHttpClient"/> (which enters them by itself), such as one built on a vendor SDK's own
/// HTTP pipeline: enter before each attempt, then report the answer on the <see cref="ThrottlePass"/>.
/// </summary>
/// <remarks>
/// A throttled answer (429, or a vendor's throttling code) closes the gate for the server's <c>Retry-After</c>, or
/// without one for an exponential back-off with jitter, both capped by <see cref="ThrottleGateOptions.MaxDelay"/>. While it
/// is closed no request is sent: a closure up to <see cref="ThrottleGateOptions.InlineWait"/> is awaited, a longer one is
/// refused. When it reopens, the first request is a probe and the others wait for its answer.
/// </remarks>
public static class SharedThrottleGate
{
    /// <summary>Waits for leave to send one request to <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The request's absolute address (only its scheme, host and port choose the gate).</param>
    /// <param name="options">The caller's gate settings; when not <see cref="ThrottleGateOptions.Enabled"/>, the pass is granted at once and reports nothing.</param>
    /// <param name="timeProvider">The clock; gates are per clock, so a test's fake clock has gates of its own.</param>
    /// <param name="cancellationToken">Bounds the wait.</param>
    /// <returns>
    /// A pass to report the answer on, or a refused one (<see cref="ThrottlePass.IsRefused"/>, with the time left as
    /// <see cref="ThrottlePass.RetryAfter"/>): then send nothing.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not absolute.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled during a wait.</exception>
    public static async ValueTask<ThrottlePass> EnterAsync(Uri endpoint, ThrottleGateOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException($"The endpoint must be an absolute address (was '{UrlRedaction.Redact(endpoint)}').", nameof(endpoint));
        }

        if (!options.Enabled)
        {
            return ThrottlePass.Ungated;
        }

        var (ticket, refused) = await ThrottleGates.For(endpoint, timeProvider).EnterAsync(options.InlineWait, cancellationToken).ConfigureAwait(false);
        return ticket is null ? ThrottlePass.Refused(refused) : new ThrottlePass(ticket, options);
    }
}
