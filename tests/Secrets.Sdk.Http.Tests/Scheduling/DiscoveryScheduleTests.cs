namespace Secrets.Sdk.Http.Tests.Scheduling;

public sealed class DiscoveryScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FirstDiscovery_IsDueAtOnce_ThenTheNextIsSpreadUniformlyOverTheWholeInterval()
    {
        var random = new Random(42);
        var buckets = new int[6];
        for (var instance = 0; instance < 6_000; instance++)
        {
            var schedule = new DiscoverySchedule(TimeSpan.FromHours(1), 0.5, random.NextDouble);
            Assert.True(schedule.IsDue(Start));

            var delay = schedule.Discovered(Start);

            Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromHours(1));
            Assert.Equal(Start + delay, schedule.NextDiscovery);
            buckets[(int)(delay / TimeSpan.FromMinutes(10))]++;
        }

        Assert.All(buckets, count => Assert.InRange(count, 850, 1_150)); // 1,000 expected per 10 minutes
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
