using Secrets.Sdk.Http;

namespace Secrets.Sdk.Benchmarks.Fleet;

/// <summary>
/// A deterministic simulation (seeded, not a timing) of a fleet that starts in the same second: every instance loads at
/// t = 0, then polls on the engine's real <see cref="RefreshSchedule"/> (first poll uniform over the interval, then
/// interval × (1 ± jitter)) and lists on the real <see cref="DiscoverySchedule"/> where the source has one. The startup
/// loads are counted apart from background polling (they are bounded by the rollout rate instead).
/// </summary>
internal static class FleetSimulation
{
    /// <summary>Simulated time: the first hour, then up to the end of the fourth (steady state is hour 4).</summary>
    public const int Seconds = 4 * 3600;

    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Returns, per operation, the background calls made in each second.</summary>
    public static Dictionary<string, long[]> Run(FleetProfile profile, int instances, int seed)
    {
        var operations = profile.Discovery.Keys.Concat(profile.Check.Keys).Concat(profile.Startup.Keys).Distinct(StringComparer.Ordinal);
        var perSecond = operations.ToDictionary(op => op, _ => new long[Seconds], StringComparer.Ordinal);
        var random = new Random(seed);
        for (var instance = 0; instance < instances; instance++)
        {
            var refresh = new RefreshSchedule(profile.Options, random.NextDouble);
            DiscoverySchedule? discovery = null;
            if (profile.DiscoveryInterval is { } interval)
            {
                discovery = new DiscoverySchedule(interval, profile.DiscoveryJitter, random.NextDouble);
                discovery.Discovered(Epoch); // the startup load listed
            }

            var at = TimeSpan.Zero;
            while (refresh.NextDelay(consecutiveFailures: 0, loaded: true) is { } delay)
            {
                at += delay;
                if (at.TotalSeconds >= Seconds)
                {
                    break;
                }

                var now = Epoch + at;
                var calls = profile.Check;
                if (discovery is not null && discovery.IsDue(now))
                {
                    calls = profile.Discovery;
                    discovery.Discovered(now);
                }

                foreach (var (operation, count) in calls)
                {
                    perSecond[operation][(int)at.TotalSeconds] += count;
                }
            }
        }

        return perSecond;
    }

    /// <summary>The most calls a quota counts in any window of its length that lies within [from, to) seconds.</summary>
    public static long Peak(Dictionary<string, long[]> perSecond, FleetQuota quota, int from, int to)
    {
        var sum = new long[Seconds];
        foreach (var operation in quota.Operations)
        {
            if (perSecond.TryGetValue(operation, out var counts))
            {
                for (var s = 0; s < Seconds; s++)
                {
                    sum[s] += counts[s];
                }
            }
        }

        long window = 0;
        long peak = 0;
        for (var s = from; s < to; s++)
        {
            window += sum[s];
            if (s - from >= quota.WindowSeconds)
            {
                window -= sum[s - quota.WindowSeconds];
            }

            peak = Math.Max(peak, window);
        }

        return peak;
    }
}
