namespace Secrets.Sdk;

/// <summary>
/// When a source polls next: its interval with jitter, or an exponential error back-off after failures (5 s × 2^(n−1),
/// capped by <see cref="SecretSourceOptions.MaxErrorBackoff"/> and by the interval), never below
/// <see cref="SecretSourceOptions.MinimumRefreshInterval"/>. Every poll after the first is the interval × (1 ±
/// <see cref="SecretSourceOptions.RefreshJitter"/>). The first poll after the source loaded is spread over the whole
/// interval, so a fleet deployed in the same second does not poll in step: it is drawn from the residual-life
/// distribution of those jittered delays (<see cref="FirstFraction"/>), which makes a fleet started together poll at the
/// same flat rate from its first minute as in steady state. A jitter of 0 makes every delay exact, the first one
/// included. The random source is injectable so tests can pin it.
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

        var factor = first ? FirstFraction(_random(), _options.RefreshJitter) : 1 + (((_random() * 2) - 1) * _options.RefreshJitter);
        var jittered = d * factor;
        return jittered < _options.MinimumRefreshInterval ? _options.MinimumRefreshInterval : jittered;
    }

    /// <summary>
    /// The first delay after startup as a fraction of the interval, for <paramref name="uniform"/> in [0, 1): uniform over
    /// [0, 1 − jitter), then tapering linearly to nothing at 1 + jitter. That is the distribution of the time left until the
    /// next poll of an instance that has been polling every interval × (1 ± jitter) for ever (its residual life), so a fleet
    /// whose instances start together is, from its first poll, as evenly spread as one that has run for days; a plain
    /// uniform [0, 1) would overlap the first wave with the start of the second (+25% per minute at ±50% jitter).
    /// The backend kit's <c>DiscoverySchedule</c> spreads the first discovery the same way.
    /// </summary>
    internal static double FirstFraction(double uniform, double jitter)
    {
        if (uniform < 1 - jitter)
        {
            return uniform;
        }

        var tail = (uniform - (1 - jitter)) / jitter;
        return 1 + jitter - (2 * jitter * Math.Sqrt(1 - tail));
    }

    /// <summary>The un-jittered error back-off after <paramref name="consecutiveFailures"/> failures.</summary>
    public TimeSpan Backoff(int consecutiveFailures)
    {
        var exponent = Math.Min(Math.Max(consecutiveFailures, 1) - 1, 16);
        var backoff = FirstBackoff * Math.Pow(2, exponent);
        return backoff > _options.MaxErrorBackoff ? _options.MaxErrorBackoff : backoff;
    }
}
