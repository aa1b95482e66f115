namespace Secrets.Sdk.Http;

/// <summary>
/// When a backend lists its secrets again (discovery), apart from the per-secret value checks of every refresh: vendors
/// give listing a far smaller quota than reading (AWS <c>ListSecrets</c> 100 per second against <c>DescribeSecret</c> 40,000;
/// GCP 600 metadata reads per minute against 90,000 accesses), so a fleet must list rarely and never in step.
/// After the first discovery (at startup) the next one is due after a random part of the interval (<see cref="NextDelay"/>),
/// so instances deployed together spread their listings over a whole interval; after that, every <see cref="Interval"/>
/// × (1 ± <see cref="Jitter"/>). A jitter of 0 makes the schedule exact (no spread at all).
/// Not thread-safe: the caller serializes discoveries.
/// </summary>
public sealed class DiscoverySchedule
{
    private readonly Func<double> _random;
    private DateTimeOffset? _next;

    /// <summary>Creates the schedule.</summary>
    /// <param name="interval">The mean time between discoveries; positive.</param>
    /// <param name="jitter">The relative jitter in [0, 1); 0 turns off the first spread too.</param>
    /// <param name="random">Returns a number in [0, 1). Default: <see cref="Random.Shared"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not positive or <paramref name="jitter"/> is outside [0, 1).</exception>
    public DiscoverySchedule(TimeSpan interval, double jitter, Func<double>? random = null)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The discovery interval must be positive.");
        }

        if (jitter is < 0 or >= 1 || double.IsNaN(jitter))
        {
            throw new ArgumentOutOfRangeException(nameof(jitter), jitter, "The discovery jitter must be in [0, 1).");
        }

        Interval = interval;
        Jitter = jitter;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Gets the mean time between discoveries.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Gets the relative jitter of <see cref="Interval"/>.</summary>
    public double Jitter { get; }

    /// <summary>Gets when the next discovery is due, or <see langword="null"/> before the first one (due at once).</summary>
    public DateTimeOffset? NextDiscovery => _next;

    /// <summary>Gets a value indicating whether a discovery has succeeded at least once.</summary>
    public bool HasDiscovered => _next is not null;

    /// <summary>Tells whether a discovery is due at <paramref name="now"/>: always before the first success.</summary>
    /// <param name="now">The current time.</param>
    /// <returns><see langword="true"/> when the backend should list now.</returns>
    public bool IsDue(DateTimeOffset now) => _next is not { } next || now >= next;

    /// <summary>Records a successful discovery at <paramref name="now"/> and plans the next one.</summary>
    /// <param name="now">When the discovery finished.</param>
    /// <returns>The delay until the next discovery is due.</returns>
    public TimeSpan Discovered(DateTimeOffset now)
    {
        var delay = NextDelay(first: _next is null);
        _next = now + delay;
        return delay;
    }

    /// <summary>
    /// The delay after a discovery: later ones <see cref="Interval"/> × (1 ± <see cref="Jitter"/>); exactly
    /// <see cref="Interval"/> when the jitter is 0. After the first one (at startup) the delay is the residual life of
    /// those jittered delays: uniform over [0, interval × (1 − jitter)), then tapering linearly to nothing at interval ×
    /// (1 + jitter). That is how far from its next discovery an instance that has been running for days is, so a fleet
    /// started together lists at the same flat rate from the start as in steady state (a plain uniform [0, interval)
    /// would overlap the first wave with the start of the second).
    /// </summary>
    /// <param name="first">Whether this follows the first discovery.</param>
    /// <returns>The delay.</returns>
    public TimeSpan NextDelay(bool first)
    {
        if (Jitter == 0)
        {
            return Interval;
        }

        var uniform = _random();
        if (!first)
        {
            return Interval * (1 + (((uniform * 2) - 1) * Jitter));
        }

        if (uniform < 1 - Jitter)
        {
            return Interval * uniform;
        }

        var tail = (uniform - (1 - Jitter)) / Jitter;
        return Interval * (1 + Jitter - (2 * Jitter * Math.Sqrt(1 - tail)));
    }
}
