namespace Secrets.Sdk.Tests.Engine;

/// <summary>The first poll after startup is spread over the whole interval, so a fleet deployed at once is out of step.</summary>
public sealed class FleetSpreadTests
{
    [Fact]
    public void FirstPoll_IsUniformOverTheWholeInterval_WithASeededRandom()
    {
        var options = new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0.1 };
        var random = new Random(42);
        var buckets = new int[10];
        for (var instance = 0; instance < 10_000; instance++)
        {
            var first = new RefreshSchedule(options, random.NextDouble).NextDelay(consecutiveFailures: 0, loaded: true)!.Value;
            Assert.InRange(first, options.MinimumRefreshInterval, TimeSpan.FromMinutes(10));
            buckets[(int)(first / TimeSpan.FromMinutes(1))]++;
        }

        // 1,000 expected per minute of the interval; ±15% is more than 4 standard deviations.
        Assert.All(buckets, count => Assert.InRange(count, 850, 1_150));
    }

    [Fact]
    public void PollsAfterTheFirst_KeepTheJitter_AndZeroJitterIsExactFromTheStart()
    {
        var jittered = new RefreshSchedule(new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0.1 }, new Random(7).NextDouble);
        var exact = new RefreshSchedule(new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0 }, new Random(7).NextDouble);

        _ = jittered.NextDelay(0, loaded: true);
        var later = Enumerable.Range(0, 200).Select(_ => jittered.NextDelay(0, loaded: true)!.Value).ToArray();

        Assert.All(later, d => Assert.InRange(d, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11)));
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Equal(TimeSpan.FromMinutes(10), exact.NextDelay(0, loaded: true)));
    }

    [Fact]
    public void FirstPoll_IsSpreadOnlyOnce_NotAfterEveryRecovery()
    {
        var options = new SecretSourceOptions { RefreshInterval = TimeSpan.FromMinutes(10), RefreshJitter = 0.1 };
        var schedule = new RefreshSchedule(options, () => 0.25);

        Assert.Equal(TimeSpan.FromSeconds(5) * 0.95, schedule.NextDelay(0, loaded: false)); // never loaded: back-off, jittered
        Assert.Equal(TimeSpan.FromMinutes(2.5), schedule.NextDelay(0, loaded: true)); // first poll after the load: 0.25 of the interval
        Assert.Equal(TimeSpan.FromSeconds(5) * 0.95, schedule.NextDelay(1, loaded: true));
        Assert.Equal(TimeSpan.FromMinutes(10) * 0.95, schedule.NextDelay(0, loaded: true)); // recovered: the jittered interval
    }
}
