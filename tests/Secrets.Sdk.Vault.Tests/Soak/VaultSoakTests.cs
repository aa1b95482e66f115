using Secrets.Sdk.Soak;
using Xunit.Abstractions;

namespace Secrets.Sdk.Vault.Tests.Soak;

/// <summary>
/// The CI-sized soak of Vault (the full one is <c>benchmarks -- soak</c>): a KV path and a database credential through a
/// real host for 2,500 refresh cycles of 5 minutes (about 8.7 simulated days: the credential renewed every ~40 minutes and
/// rotated at least every 6 hours, the AppRole token renewed and logged in again at least every 12 hours), a KV rotation
/// every 250 cycles; counts, not wall-clock, between cycle 1,000 and 2,500. The warm-up is twice the mounted-files one:
/// Vault's run spreads over more pool threads, whose own caches fill the heap during the first second of a cold process.
/// </summary>
[Collection(SoakCollection.Name)]
public sealed class VaultSoakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TwoThousandFiveHundredRefreshCycles_WithLeaseRenewalsAndRotations_KeepTimersHandlesAndHeapFlat()
    {
        var result = await SoakRun.RunAsync(new VaultSoakBackend(), SoakSettings.Bounded with { Warmup = 1_000 });
        output.WriteLine(result.Describe());

        Assert.True(result.Passed, result.Describe());
        Assert.Equal(10, result.Rotations);

        // 208 simulated hours: a credential lives at most its 6-hour max TTL, a token its 12 hours.
        Assert.True(result.LeaseRotations >= 34 + 17, $"{result.LeaseRotations} lease rotations in ~8.7 days of 6-hour credentials and 12-hour tokens: {result.Describe()}");
        Assert.True(result.OptionChanges >= result.Rotations + 34, $"{result.OptionChanges} IOptionsMonitor changes for {result.Rotations} KV rotations and at least 34 credential rotations: {result.Describe()}");
    }
}
