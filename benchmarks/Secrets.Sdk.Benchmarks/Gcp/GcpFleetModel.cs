using System.Globalization;

namespace Secrets.Sdk.Benchmarks.Gcp;

/// <summary>
/// A deterministic simulation (fixed seed, not a timing) of a fleet loading secrets from one GCP project, counted per
/// minute against Secret Manager's two per-project quotas: 90,000 <c>versions.access</c> calls per minute and 600 metadata
/// reads (<c>secrets.list</c>, <c>get</c>) per minute. Each instance loads 20 secrets found by a filter with the defaults of
/// <c>AddGcpSecretManager</c>: at start one <c>secrets.list</c> page and 20 accesses; then every RefreshInterval (5 min)
/// × (1 ± RefreshJitter 0.5) 20 accesses (the value is the change signal, see <c>GcpSecretManagerStore</c>), and at the
/// first refresh after each DiscoveryInterval (1 h) × (1 ± DiscoveryJitter 0.5) one more list page.
/// </summary>
internal static class GcpFleetModel
{
    private const int Instances = 10_000;
    private const int SecretsPerInstance = 20;
    private const int Minutes = 240;
    private const double ListQuota = 600;
    private const double AccessQuota = 90_000;

    public static void Run(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"GCP Secret Manager, per minute: {Instances:N0} instances x {SecretsPerInstance} secrets by filter, {Minutes / 60} simulated hours, seed 42.");
        output.WriteLine("Quotas per project: 600 metadata reads (secrets.list) and 90,000 accesses per minute. 'deploy' = the worst minute from");
        output.WriteLine("the first start to 15 minutes after the last; 'steady' = the worst minute of hours 3 to 4.");
        output.WriteLine();
        output.WriteLine("| settings | instances start over | deploy: list/min (of 600) | deploy: access/min (of 90,000) | steady: list/min | steady: access/min |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (label, refreshJitter, discoveryJitter) in new[] { ("defaults (refresh ±50 %, discovery 1 h ±50 %)", 0.5, 0.5), ("engine-style ±10 %, discovery 1 h unjittered", 0.1, 0.0) })
        {
            foreach (var spreadMinutes in new[] { 0, 10, 30, 60 })
            {
                var result = Simulate(spreadMinutes, refreshJitter, discoveryJitter);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {(spreadMinutes == 0 ? "the same second" : spreadMinutes + " min")} | {Cell(result.DeployList, ListQuota)} | {Cell(result.DeployAccess, AccessQuota)} | {Cell(result.SteadyList, ListQuota)} | {Cell(result.SteadyAccess, AccessQuota)} |"));
            }
        }
    }

    /// <summary>Returns the worst minute of the deployment and of steady state, for list calls and accesses.</summary>
    internal static (long DeployList, long DeployAccess, long SteadyList, long SteadyAccess) Simulate(int spreadMinutes, double refreshJitter, double discoveryJitter)
    {
        var random = new Random(42);
        var lists = new long[Minutes];
        var accesses = new long[Minutes];
        const double refresh = 300;
        const double discovery = 3600;
        for (var instance = 0; instance < Instances; instance++)
        {
            var start = random.NextDouble() * spreadMinutes * 60;
            Add(lists, start, 1);
            Add(accesses, start, SecretsPerInstance);
            var nextDiscovery = start + (discovery * Jitter(random, discoveryJitter));
            var at = start;
            while (true)
            {
                at += refresh * Jitter(random, refreshJitter);
                if (at >= Minutes * 60)
                {
                    break;
                }

                if (at >= nextDiscovery)
                {
                    Add(lists, at, 1);
                    nextDiscovery = at + (discovery * Jitter(random, discoveryJitter));
                }

                Add(accesses, at, SecretsPerInstance);
            }
        }

        var deployEnd = Math.Min(Minutes, spreadMinutes + 15);
        return (lists[..deployEnd].Max(), accesses[..deployEnd].Max(), lists[180..].Max(), accesses[180..].Max());
    }

    private static double Jitter(Random random, double jitter) => 1 + (((random.NextDouble() * 2) - 1) * jitter);

    private static void Add(long[] perMinute, double second, long calls) => perMinute[(int)(second / 60)] += calls;

    private static string Cell(long peak, double quota) =>
        string.Create(CultureInfo.InvariantCulture, $"{peak:N0} ({peak / quota:P0}){(peak > quota ? " **over**" : peak > quota / 2 ? " >50 %" : string.Empty)}");
}
