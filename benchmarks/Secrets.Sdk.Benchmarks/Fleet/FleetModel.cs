using System.Globalization;

namespace Secrets.Sdk.Benchmarks.Fleet;

/// <summary>
/// A deterministic simulation (fixed seed, not a timing) of a fleet's request rate against each vendor's published
/// quota: every instance starts in the same second (a deployment), then polls every RefreshInterval × (1 ± jitter),
/// exactly as <c>SecretSourceRuntime.NextDelay</c> schedules it. Calls per refresh per instance are what the engine
/// makes when nothing changed (measured in RefreshBenchmarks and the backend tests): metadata only.
/// </summary>
internal static class FleetModel
{
    private const int SimulatedSeconds = 3600;
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    private static readonly Scenario[] Scenarios =
    [
        // 20 secrets found by a name prefix: one ListSecrets page (up to 100 per page) per refresh.
        new("AWS discovery by prefix (20 secrets)", "ListSecrets", 1, 100),
        // 20 explicit secrets: one DescribeSecret each per refresh (no List permission needed).
        new("AWS explicit secrets (20)", "DescribeSecret", 20, 40_000),
        // What a Kralizek-style poll would do instead: re-read every value each poll, in batches of 20.
        new("AWS re-read every value (anchor, 20)", "BatchGetSecretValue", 1, 100),
        // Vault KV v2 folder of 20 secrets: one LIST and one metadata GET per secret.
        new("Vault KV v2 folder (20 secrets)", "LIST + metadata GET", 21, double.NaN),
        // Azure Key Vault equivalent (list secret properties, one page): 4,000 transactions per 10 s per vault.
        new("Azure Key Vault list (20 secrets)", "GetPropertiesOfSecrets", 1, 400),
        // GCP, the naive plan AddGcpSecretManager avoids: list + 20 versions.get every poll; 600 metadata reads per minute
        // per project. Ours (one access per secret per poll, list hourly) is modelled per minute in Gcp/GcpFleetModel.
        new("GCP naive: list + version metadata every poll (20)", "metadata reads", 21, 10),
    ];

    public static void Run(TextWriter output)
    {
        RunPerSecond(output);
        Gcp.GcpFleetModel.Run(output);
    }

    private static void RunPerSecond(TextWriter output)
    {
        output.WriteLine($"Fleet model: refresh interval {Interval.TotalMinutes} min, all instances start in the same second, {SimulatedSeconds / 60} simulated minutes, seed 42.");
        output.WriteLine();
        output.WriteLine("| scenario | operation | instances | jitter | mean req/s | peak req/s (1 s) | quota req/s | peak / quota |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var scenario in Scenarios)
        {
            foreach (var instances in new[] { 100, 1_000, 10_000 })
            {
                foreach (var jitter in new[] { 0.0, 0.1 })
                {
                    var (mean, peak) = Simulate(instances, scenario.CallsPerRefresh, jitter);
                    var quota = double.IsNaN(scenario.QuotaPerSecond) ? "rate-limit quota" : scenario.QuotaPerSecond.ToString("N0", CultureInfo.InvariantCulture);
                    var ratio = double.IsNaN(scenario.QuotaPerSecond) ? "-" : (peak / scenario.QuotaPerSecond).ToString("F2", CultureInfo.InvariantCulture);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {scenario.Name} | {scenario.Operation} | {instances:N0} | ±{jitter:P0} | {mean:N1} | {peak:N0} | {quota} | {ratio} |"));
                }
            }
        }
    }

    /// <summary>Returns the mean and the peak per-second request rate of a fleet.</summary>
    internal static (double Mean, double Peak) Simulate(int instances, int callsPerRefresh, double jitter)
    {
        var random = new Random(42);
        var perSecond = new long[SimulatedSeconds];
        for (var instance = 0; instance < instances; instance++)
        {
            var at = 0.0;
            while (true)
            {
                var factor = 1 + (((random.NextDouble() * 2) - 1) * jitter);
                at += Interval.TotalSeconds * factor;
                if (at >= SimulatedSeconds)
                {
                    break;
                }

                perSecond[(int)at] += callsPerRefresh;
            }
        }

        var total = perSecond.Sum();
        return (total / (double)SimulatedSeconds, perSecond.Max());
    }

    private sealed record Scenario(string Name, string Operation, int CallsPerRefresh, double QuotaPerSecond);
}
