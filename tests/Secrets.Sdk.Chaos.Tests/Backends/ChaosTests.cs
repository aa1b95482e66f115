using System.Runtime.CompilerServices;
using Secrets.Sdk.Chaos.Tests.Harness;
using Xunit.Abstractions;

namespace Secrets.Sdk.Chaos.Tests.Backends;

/// <summary>
/// Every backend through seeded faults over simulated hours (<see cref="ChaosPlan"/>); each run prints its row of the
/// chaos table, and a failing seed prints how to replay it.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosTests(ITestOutputHelper output)
{
    private static readonly string[] Secrets = ["db", "api", "payments", "queue"];

    [Theory]
    [MemberData(nameof(ChaosSeeds.Cases), MemberType = typeof(ChaosSeeds))]
    public Task Vault_SeededFaultsOverSimulatedHours_KeepEveryInvariant(int seed) => RunAsync(new VaultChaosBackend(), seed);

    [Theory]
    [MemberData(nameof(ChaosSeeds.Cases), MemberType = typeof(ChaosSeeds))]
    public Task Aws_SeededFaultsOverSimulatedHours_KeepEveryInvariant(int seed) => RunAsync(new AwsChaosBackend(), seed);

    [Theory]
    [MemberData(nameof(ChaosSeeds.Cases), MemberType = typeof(ChaosSeeds))]
    public Task Azure_SeededFaultsOverSimulatedHours_KeepEveryInvariant(int seed) => RunAsync(new AzureChaosBackend(), seed);

    [Theory]
    [MemberData(nameof(ChaosSeeds.Cases), MemberType = typeof(ChaosSeeds))]
    public Task Gcp_SeededFaultsOverSimulatedHours_KeepEveryInvariant(int seed) => RunAsync(new GcpChaosBackend(), seed);

    [Theory]
    [MemberData(nameof(ChaosSeeds.Cases), MemberType = typeof(ChaosSeeds))]
    public Task Files_SeededFaultsOverSimulatedHours_KeepEveryInvariant(int seed) => RunAsync(new FilesChaosBackend(), seed);

    private async Task RunAsync(IChaosBackend backend, int seed, [CallerMemberName] string test = "")
    {
        await using (backend)
        {
            var result = await ChaosRun.RunAsync(backend, seed, Secrets);
            ChaosAssert.Passed(result, output, $"{nameof(ChaosTests)}.{test}");
        }
    }
}
