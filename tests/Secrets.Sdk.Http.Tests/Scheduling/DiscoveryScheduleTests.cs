namespace Secrets.Sdk.Http.Tests.Scheduling;

public sealed class DiscoveryScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FirstDiscovery_IsDueAtOnce_ThenAFleetStartedTogetherListsAtAFlatRate()
    {
        var random = new Random(42);
        var perTenMinutes = new int[18];
        for (var instance = 0; instance < 6_000; instance++)
        {
            var schedule = new DiscoverySchedule(TimeSpan.FromHours(1), 0.5, random.NextDouble);
            Assert.True(schedule.IsDue(Start));
            var at = Start;
            var first = schedule.Discovered(at);
            Assert.InRange(first, TimeSpan.Zero, TimeSpan.FromMinutes(90));
            at += first;
            Assert.Equal(at, schedule.NextDiscovery);
            while (at < Start + TimeSpan.FromHours(3))
            {
                perTenMinutes[(int)((at - Start) / TimeSpan.FromMinutes(10))]++;
                at += schedule.Discovered(at);
            }
        }

        // 6,000 instances listing hourly: 1,000 per 10 minutes from the first 10 minutes on (no wave after the start).
        Assert.All(perTenMinutes, count => Assert.InRange(count, 870, 1_130));
    }

    [Fact]
    public void LaterDiscoveries_AreTheIntervalTimesOnePlusOrMinusJitter()
    {
        var schedule = new DiscoverySchedule(TimeSpan.FromHours(1), 0.5, new Random(3).NextDouble);
        var at = Start;
        at += schedule.Discovered(at);
        for (var i = 0; i < 200; i++)
        {
            Assert.False(schedule.IsDue(at - TimeSpan.FromTicks(1)));
            Assert.True(schedule.IsDue(at));
            var delay = schedule.Discovered(at);
            Assert.InRange(delay, TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(90));
            at += delay;
        }
    }

    [Fact]
    public void ZeroJitter_IsExact_FirstOneIncluded()
    {
        var schedule = new DiscoverySchedule(TimeSpan.FromMinutes(30), 0, () => 0.1);

        Assert.Equal(TimeSpan.FromMinutes(30), schedule.Discovered(Start));
        Assert.Equal(TimeSpan.FromMinutes(30), schedule.Discovered(Start + TimeSpan.FromMinutes(30)));
    }

    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(-1, 0.5)]
    [InlineData(60, 1.0)]
    [InlineData(60, -0.1)]
    [InlineData(60, double.NaN)]
    public void BadSettings_AreRefused(int minutes, double jitter) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new DiscoverySchedule(TimeSpan.FromMinutes(minutes), jitter));
}
