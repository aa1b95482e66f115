namespace Secrets.Sdk.Tests.Engine;

/// <summary>The first poll after startup is spread over the whole interval, so a fleet deployed at once is out of step.</summary>
public sealed class FleetSpreadTests
{
    private static readonly SecretSourceOptions Options = new() { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0.1 };

    [Fact]
    public void FirstPoll_IsSpreadOverTheWholeInterval_WithASeededRandom()
    {
        var random = new Random(42);
        var perMinute = new int[12];
        for (var instance = 0; instance < 10_000; instance++)
        {
            var first = new RefreshSchedule(Options, random.NextDouble).NextDelay(consecutiveFailures: 0, loaded: true)!.Value;
            Assert.InRange(first, Options.MinimumRefreshInterval, TimeSpan.FromMinutes(11));
            perMinute[(int)(first / TimeSpan.FromMinutes(1))]++;
        }

        // Uniform over [0, 9 min) (90%: 1,000 a minute), then tapering to nothing at 11 min (750 in minute 9, 250 in minute 10).
        Assert.All(perMinute[..9], count => Assert.InRange(count, 850, 1_150));
        Assert.InRange(perMinute[9], 650, 850);
        Assert.InRange(perMinute[10], 180, 320);
        Assert.Equal(0, perMinute[11]);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void AFleetStartedInOneSecond_PollsAtAFlatRateFromItsFirstMinute(double jitter)
    {
        var options = new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = jitter };
        var random = new Random(42);
        var perMinute = new int[60];
        for (var instance = 0; instance < 10_000; instance++)
        {
            var schedule = new RefreshSchedule(options, random.NextDouble);
            var at = TimeSpan.Zero;
            while ((at += schedule.NextDelay(0, loaded: true)!.Value) < TimeSpan.FromHours(1))
            {
                perMinute[(int)at.TotalMinutes]++;
            }
        }

        // 10,000 instances every 10 minutes: 1,000 polls a minute, from the first minute on (no first wave, no echo).
        Assert.All(perMinute, count => Assert.InRange(count, 870, 1_130));
    }

    [Fact]
    public void PollsAfterTheFirst_KeepTheJitter_AndZeroJitterIsExactFromTheStart()
    {
        var jittered = new RefreshSchedule(Options, new Random(7).NextDouble);
        var exact = new RefreshSchedule(new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0 }, new Random(7).NextDouble);

        _ = jittered.NextDelay(0, loaded: true);
        var later = Enumerable.Range(0, 200).Select(_ => jittered.NextDelay(0, loaded: true)!.Value).ToArray();

        Assert.All(later, d => Assert.InRange(d, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11)));
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(TimeSpan.FromMinutes(10), exact.NextDelay(0, loaded: true)));
    }

    [Fact]
    public void FirstPoll_IsSpreadOnlyOnce_NotAfterEveryRecovery()
    {
        var schedule = new RefreshSchedule(Options, () => 0.25);

        Assert.Equal(TimeSpan.FromSeconds(5) * 0.95, schedule.NextDelay(0, loaded: false)); // never loaded: back-off, jittered
        Assert.Equal(TimeSpan.FromMinutes(2.5), schedule.NextDelay(0, loaded: true)); // first poll after the load: 0.25 of the interval
        Assert.Equal(TimeSpan.FromSeconds(5) * 0.95, schedule.NextDelay(1, loaded: true));
        Assert.Equal(TimeSpan.FromMinutes(10) * 0.95, schedule.NextDelay(0, loaded: true)); // recovered: the jittered interval
    }
}
