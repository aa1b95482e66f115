namespace Secrets.Sdk.Http;

/// <summary>
/// How a client uses its endpoint's shared throttle gate (see <see cref="SharedThrottleGate"/>): one throttled answer
/// backs off every client in the process that talks to the same endpoint on the same clock, instead of each secret
/// retrying on its own. Every backend exposes one (<c>vault.Http.Throttle</c>, <c>aws.Http.Throttle</c>,
/// <c>gcp.Http.Throttle</c>, <c>azure.Throttle</c>), and a declared source reads it from its <c>Throttle</c> object.
/// </summary>
public sealed class ThrottleGateOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether calls go through the endpoint's shared gate. With <see langword="false"/>
    /// this client neither waits for the gate nor closes it. Default: <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets the first back-off after a throttled answer without <c>Retry-After</c>; it doubles with each throttle in
    /// a row (half of each step is random) up to <see cref="MaxDelay"/>. Default: 1 second.
    /// </summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest the gate stays closed after one throttled answer, whatever its <c>Retry-After</c> says.
    /// Default: 5 minutes.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the longest closure a call waits out by itself; a call arriving with more time left is refused at
    /// once (a <see cref="SecretErrorKind.Throttled"/> error with <see cref="SecretStoreException.NotSent"/> set and the time
    /// left as <see cref="SecretStoreException.RetryAfter"/>), so the caller's retry policy waits instead. Default: 5 seconds
    /// (below the engine's 10-second attempt timeout).
    /// </summary>
    public TimeSpan InlineWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first wrong one.</summary>
    /// <exception cref="ArgumentException">A delay is not positive, <see cref="InlineWait"/> is negative, or <see cref="BaseDelay"/> exceeds <see cref="MaxDelay"/>.</exception>
    public void Validate()
    {
        Positive(BaseDelay, nameof(BaseDelay));
        Positive(MaxDelay, nameof(MaxDelay));
        if (InlineWait < TimeSpan.Zero)
        {
            throw new ArgumentException($"Throttle {nameof(InlineWait)} must not be negative (was {InlineWait}).", nameof(InlineWait));
        }

        if (BaseDelay > MaxDelay)
        {
            throw new ArgumentException($"Throttle {nameof(BaseDelay)} ({BaseDelay}) cannot exceed {nameof(MaxDelay)} ({MaxDelay}).", nameof(BaseDelay));
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"Throttle {name} must be a positive, finite time (was {value}).", name);
        }
    }
}
