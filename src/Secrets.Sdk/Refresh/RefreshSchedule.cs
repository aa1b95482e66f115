namespace Secrets.Sdk;

/// <summary>
/// When a source polls next: its interval with jitter, or an exponential error back-off after failures (5 s × 2^(n−1),
/// capped by <see cref="SecretSourceOptions.MaxErrorBackoff"/> and by the interval), never below
/// <see cref="SecretSourceOptions.MinimumRefreshInterval"/>. The first poll after the source loaded is spread over the
/// whole interval (uniform in [0, interval)), so a fleet deployed in the same second does not poll in step for the rest
/// of its life; every later poll is the interval × (1 ± <see cref="SecretSourceOptions.RefreshJitter"/>). A jitter of 0
/// makes every delay exact, the first one included. The random source is injectable so tests can pin it.
/// </summary>
internal sealed class RefreshSchedule
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(5);
    private readonly SecretSourceOptions _options;
    private readonly Func<double> _random;
    private bool _spread;

    /// <param name="options">The source's options.</param>
    /// <param name="random">Returns a number in [0, 1); default <see cref="Random.Shared"/>.</param>
    public RefreshSchedule(SecretSourceOptions options, Func<double>? random = null)
    {
        _options = options;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The delay before the next poll, or null when nothing but a change signal should wake the loop.</summary>
    /// <param name="consecutiveFailures">Failed refreshes in a row.</param>
    /// <param name="loaded">Whether the source has loaded once (a source that never loaded retries on the back-off).</param>
    public TimeSpan? NextDelay(int consecutiveFailures, bool loaded)
    {
        var interval = _options.RefreshInterval;
        TimeSpan? delay = interval;
        var first = false;
        if (consecutiveFailures > 0 || !loaded)
        {
            var backoff = Backoff(consecutiveFailures);
            delay = interval is { } i && i < backoff ? i : backoff;
        }
        else if (!_spread)
        {
            _spread = true;
            first = _options.RefreshJitter > 0;
        }

        if (delay is not { } d)
        {
            return null;
        }

        var factor = first ? _random() : 1 + (((_random() * 2) - 1) * _options.RefreshJitter);
        var jittered = d * factor;
        return jittered < _options.MinimumRefreshInterval ? _options.MinimumRefreshInterval : jittered;
    }

    /// <summary>The un-jittered error back-off after <paramref name="consecutiveFailures"/> failures.</summary>
    public TimeSpan Backoff(int consecutiveFailures)
    {
        var exponent = Math.Min(Math.Max(consecutiveFailures, 1) - 1, 16);
        var backoff = FirstBackoff * Math.Pow(2, exponent);
        return backoff > _options.MaxErrorBackoff ? _options.MaxErrorBackoff : backoff;
    }
}
