using System.Globalization;

namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// The seeds a chaos test runs: a fixed set in CI (bounded time), one exact seed with <c>CHAOS_SEED=N</c> (replay),
/// or the fixed set plus N more with <c>CHAOS_EXTRA_SEEDS=N</c>.
/// </summary>
internal static class ChaosSeeds
{
    public const string SeedVariable = "CHAOS_SEED";
    public const string ExtraVariable = "CHAOS_EXTRA_SEEDS";

    private static readonly int[] Fixed = [11, 29];

    public static TheoryData<int> Cases
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (var seed in Seeds())
            {
                data.Add(seed);
            }

            return data;
        }
    }

    public static string ReplayHint(int seed, string test) =>
        $"replay: {SeedVariable}={seed} dotnet test tests/Secrets.Sdk.Chaos.Tests -f net10.0 --filter \"FullyQualifiedName~{test}\"";

    private static IEnumerable<int> Seeds()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var one))
        {
            return [one];
        }

        var extra = int.TryParse(Environment.GetEnvironmentVariable(ExtraVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return Fixed.Concat(Enumerable.Range(0, Math.Max(0, extra)).Select(i => 1000 + (i * 7919)));
    }
}
