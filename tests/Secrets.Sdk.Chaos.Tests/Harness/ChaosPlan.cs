namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// A seeded schedule over simulated hours: storms (windows where each request fails with some probability, a random
/// kind each time), one long outage (longer than <c>UnhealthyAfter</c>, so health must go all the way down and back),
/// rotations at random moments, and the backend's own extra faults.
/// </summary>
internal sealed class ChaosPlan
{
    public static readonly TimeSpan Duration = TimeSpan.FromHours(4);
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DegradedAfter = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan UnhealthyAfter = TimeSpan.FromMinutes(50);
    public static readonly TimeSpan OutageLength = TimeSpan.FromMinutes(70);

    /// <summary>How long after an outage or storm the backend gets to be fresh again (back-off, Retry-After, breaker).</summary>
    public static readonly TimeSpan Recovery = TimeSpan.FromMinutes(12);

    public ChaosPlan(int seed, DateTimeOffset start)
    {
        var random = new Random(seed);
        OutageStart = start + TimeSpan.FromMinutes(random.Next(45, 120));
        OutageEnd = OutageStart + OutageLength;
        var storms = new List<(DateTimeOffset, DateTimeOffset, double)>();
        var at = start + TimeSpan.FromMinutes(random.Next(10, 30));
        while (at < start + Duration - TimeSpan.FromMinutes(20))
        {
            var length = TimeSpan.FromMinutes(random.Next(5, 25));
            var end = at + length;
            // Storms keep clear of the outage (and of the clean stretch before it), so the outage's health walk is exact.
            if (end < OutageStart - (DegradedAfter + RefreshInterval) || at > OutageEnd + Recovery)
            {
                storms.Add((at, end, 0.1 + (random.NextDouble() * 0.3)));
            }

            at = end + TimeSpan.FromMinutes(random.Next(10, 40));
        }

        Storms = storms;
        Rotations = Enumerable.Range(0, 30).Select(_ => start + TimeSpan.FromSeconds(random.Next(60, (int)Duration.TotalSeconds))).Order().ToArray();
        Extras = Enumerable.Range(0, 4).Select(_ => start + TimeSpan.FromSeconds(random.Next(60, (int)Duration.TotalSeconds))).Order().ToArray();
    }

    public DateTimeOffset OutageStart { get; }

    public DateTimeOffset OutageEnd { get; }

    public IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End, double Rate)> Storms { get; }

    public IReadOnlyList<DateTimeOffset> Rotations { get; }

    public IReadOnlyList<DateTimeOffset> Extras { get; }

    public bool Disturbed(DateTimeOffset at) =>
        (at >= OutageStart && at < OutageEnd + Recovery) || Storms.Any(s => at >= s.Start && at < s.End + Recovery);
}
