using Secrets.Sdk.Soak;

namespace Secrets.Sdk.Vault.Tests.Soak;

/// <summary>
/// The CI-sized soak of Vault (the full one is <c>benchmarks -- soak</c>): a KV path and a database credential through a
/// real host for 2,000 refresh cycles of 5 minutes (about 7 simulated days: the credential renewed every ~40 minutes and
/// rotated every 6 hours, the AppRole token renewed and logged in again), a KV rotation every 250 cycles; counts, not
/// wall-clock, between cycle 500 and 2,000.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class VaultSoakTests
{
    [Fact]
    public async Task TwoThousandRefreshCycles_WithLeaseRenewalsAndRotations_KeepTimersHandlesAndHeapFlat()
    {
        var result = await SoakRun.RunAsync(new VaultSoakBackend(), SoakSettings.Bounded);

        Assert.True(result.Passed, result.Describe());
        Assert.Equal(8, result.Rotations);
        Assert.True(result.LeaseRotations >= 27 + 13, $"{result.LeaseRotations} lease rotations in ~7 days of 6-hour credentials and 12-hour tokens: {result.Describe()}");
        Assert.True(result.OptionChanges >= result.Rotations + 27, $"{result.OptionChanges} IOptionsMonitor changes for {result.Rotations} KV rotations and ~28 credential rotations: {result.Describe()}");
    }
}
