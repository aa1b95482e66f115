using Xunit.Abstractions;

namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>Prints a run's table row (and violations, with how to replay the seed) and fails the test on any violation.</summary>
internal static class ChaosAssert
{
    public static void Passed(ChaosResult result, ITestOutputHelper output, string test)
    {
        output.WriteLine(ChaosResult.Header);
        output.WriteLine(result.Row);
        if (result.KnownDeviation is { } deviation)
        {
            output.WriteLine("* known deviation, asserted to still happen: " + deviation);
        }

        if (result.Violations.Count == 0)
        {
            return;
        }

        var message = $"{result.Backend} seed {result.Seed}: {result.Violations.Count} violations\n  " + string.Join("\n  ", result.Violations) + "\n" + ChaosSeeds.ReplayHint(result.Seed, test);
        output.WriteLine(message);
        Assert.Fail(message);
    }
}
