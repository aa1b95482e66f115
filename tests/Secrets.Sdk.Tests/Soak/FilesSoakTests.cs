using Secrets.Sdk.Soak;

namespace Secrets.Sdk.Tests.Soak;

/// <summary>
/// The CI-sized soak of the mounted-files source (the full one is <c>benchmarks -- soak</c>): 2,000 refresh cycles in
/// simulated time through a real host, a rotation every 250 cycles; counts, not wall-clock, between cycle 500 and 2,000.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class FilesSoakTests
{
    [Fact]
    public async Task TwoThousandRefreshCycles_KeepTimersHandlesAndHeapFlat_AndEveryRotationReachesIOptionsMonitor()
    {
        var result = await SoakRun.RunAsync(new FilesSoakBackend(), SoakSettings.Bounded);

        Assert.True(result.Passed, result.Describe());
        Assert.Equal(8, result.Rotations);
        Assert.Equal(result.Rotations, result.ChangedPasses);
        Assert.Equal(result.Rotations, result.OptionChanges);
    }
}
