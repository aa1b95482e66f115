using System.Globalization;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Azure;
using Secrets.Sdk.Gcp;

namespace Secrets.Sdk.Benchmarks.Fleet;

/// <summary>
/// The fleet model (<c>-- fleet</c>): 10,000 instances, each with 20 secrets, started in the same second, polling with each
/// backend's shipped defaults through the real schedule code (<see cref="FleetSimulation"/>), measured against every
/// vendor quota at its own window: the peak of the first hour and of steady state (hour 4), and the rollout rate up to
/// which the startup loads stay under half of every quota.
/// </summary>
internal static class FleetModel
{
    private const int Instances = 10_000;
    private const int Secrets = 20;
    private const int Seed = 42;
    private const double Budget = 0.5;

    // AWS, per account and region: https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_limits.html
    private static readonly FleetQuota[] AwsQuotas =
    [
        new("ListSecrets", ["ListSecrets"], 100, 1),
        new("BatchGetSecretValue", ["BatchGetSecretValue"], 100, 1),
        new("GetSecretValue", ["GetSecretValue"], 10_000, 1),
        new("DescribeSecret", ["DescribeSecret"], 40_000, 1),
    ];

    // Azure, per vault and region, all secret transactions together:
    // https://learn.microsoft.com/azure/key-vault/general/service-limits (4,000 per 10 s).
    private static readonly FleetQuota[] AzureQuotas =
    [
        new("Get Secrets pages + Get Secret", ["Get Secrets", "Get Secret"], 4_000, 10),
    ];

    // GCP, per project: https://cloud.google.com/secret-manager/quotas (600 metadata reads and 90,000 accesses a minute).
    private static readonly FleetQuota[] GcpQuotas =
    [
        new("secrets.list (metadata reads)", ["secrets.list"], 600, 60),
        new("versions.access", ["versions.access"], 90_000, 60),
    ];

    public static void Run(TextWriter output)
    {
        output.WriteLine($"Fleet model: instances started in the same second, {Secrets} secrets each, shipped defaults unless the scenario says otherwise,");
        output.WriteLine($"real RefreshSchedule and DiscoverySchedule, seed {Seed}. Peak = the busiest window of the quota's length (AWS 1 s, Azure 10 s,");
        output.WriteLine("GCP 1 min) of background polling: 'first hour' after the start (startup loads excluded), 'steady' = hour 4.");
        output.WriteLine();
        output.WriteLine("| scenario | operation | instances | peak rate | quota | peak / quota |");
        output.WriteLine("|---|---|---:|---:|---:|---:|");
        var steady = new Dictionary<FleetProfile, Dictionary<string, long[]>>();
        foreach (var profile in Defaults())
        {
            var calls = FleetSimulation.Run(profile, Instances, Seed);
            Rows(output, $"default: {profile.Backend} {profile.Mode}", profile, Instances, calls);
            steady[profile] = calls;
        }

        foreach (var (name, profile) in Contrasts())
        {
            Rows(output, name, profile, Instances, FleetSimulation.Run(profile, Instances, Seed));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Rollout: startup loads at a constant rate on top of the steady-state peak of {Instances:N0} instances, all within {Budget:P0} of every quota."));
        output.WriteLine();
        output.WriteLine("| backend | mode | startup calls per instance | limiting quota | max rollout rate | 10,000 instances take |");
        output.WriteLine("|---|---|---|---|---:|---:|");
        foreach (var (profile, calls) in steady)
        {
            Rollout(output, profile, calls);
        }
    }

    /// <summary>The shipped defaults of each backend, in both ways of naming the secrets.</summary>
    internal static IEnumerable<FleetProfile> Defaults()
    {
        var awsPrefix = new AwsSecretsManagerSourceOptions { NamePrefix = "app/" };
        yield return Aws("by prefix", awsPrefix);
        var awsExplicit = new AwsSecretsManagerSourceOptions();
        var azurePrefix = new AzureKeyVaultSourceOptions { NamePrefix = "app-" };
        var azureExplicit = new AzureKeyVaultSourceOptions();
        var gcpFilter = new GcpSecretManagerSourceOptions { Filter = "labels.app=orders" };
        var gcpExplicit = new GcpSecretManagerSourceOptions();
        for (var i = 0; i < Secrets; i++)
        {
            awsExplicit.AddSecret($"app/S{i}");
            azureExplicit.AddSecret($"app-S{i}");
            gcpExplicit.AddSecret($"S{i}");
        }

        yield return Aws("explicit", awsExplicit);
        yield return Azure("by prefix", azurePrefix);
        yield return Azure("explicit", azureExplicit);
        yield return Gcp("by filter", gcpFilter);
        yield return Gcp("explicit", gcpExplicit);
    }

    private static IEnumerable<(string Name, FleetProfile Profile)> Contrasts()
    {
        var everyPoll = new AwsSecretsManagerSourceOptions { NamePrefix = "app/" };
        everyPoll.DiscoveryInterval = everyPoll.RefreshInterval!.Value;
        yield return ("AWS by prefix, listing on every refresh (DiscoveryInterval = RefreshInterval)", Aws("by prefix", everyPoll));
        var inStep = new AwsSecretsManagerSourceOptions { NamePrefix = "app/", RefreshJitter = 0, DiscoveryJitter = 0 };
        yield return ("AWS by prefix, no jitter and no spread (jitters = 0)", Aws("by prefix", inStep));
        var azureFive = new AzureKeyVaultSourceOptions { RefreshInterval = TimeSpan.FromMinutes(5) };
        for (var i = 0; i < Secrets; i++)
        {
            azureFive.AddSecret($"app-S{i}");
        }

        yield return ("Azure explicit at the engine's 5 min", Azure("explicit", azureFive));
    }

    private static FleetProfile Aws(string mode, AwsSecretsManagerSourceOptions options)
    {
        var pages = Pages(AwsSecretsManagerStore.ListPageSize);
        var batches = Pages(AwsSecretsManagerStore.BatchSize);
        return options.Discovers
            ? new(
                "AWS",
                mode,
                options,
                options.DiscoveryInterval,
                options.DiscoveryJitter,
                Calls(("ListSecrets", pages), ("BatchGetSecretValue", batches)),
                Calls(("ListSecrets", pages)),
                Calls(("DescribeSecret", Secrets)),
                AwsQuotas)
            : new("AWS", mode, options, null, 0, Calls(("DescribeSecret", Secrets), ("BatchGetSecretValue", batches)), Calls(), Calls(("DescribeSecret", Secrets)), AwsQuotas);
    }

    // Key Vault lists 25 secrets per page (the service's page size) and has no batch read; an explicit secret's check
    // is one Get Secret (its answer carries the value, used only when the version moved).
    private static FleetProfile Azure(string mode, AzureKeyVaultSourceOptions options) =>
        options.Discovers
            ? new("Azure", mode, options, null, 0, Calls(("Get Secrets", Pages(25)), ("Get Secret", Secrets)), Calls(), Calls(("Get Secrets", Pages(25))), AzureQuotas)
            : new("Azure", mode, options, null, 0, Calls(("Get Secret", Secrets)), Calls(), Calls(("Get Secret", Secrets)), AzureQuotas);

    // A 'latest' secret's check is one access (its value is the change signal); listing runs on DiscoveryInterval.
    private static FleetProfile Gcp(string mode, GcpSecretManagerSourceOptions options) =>
        options.Discovers
            ? new(
                "GCP",
                mode,
                options,
                options.DiscoveryInterval,
                options.DiscoveryJitter,
                Calls(("secrets.list", Pages(options.PageSize)), ("versions.access", Secrets)),
                Calls(("secrets.list", Pages(options.PageSize)), ("versions.access", Secrets)),
                Calls(("versions.access", Secrets)),
                GcpQuotas)
            : new("GCP", mode, options, null, 0, Calls(("versions.access", Secrets)), Calls(), Calls(("versions.access", Secrets)), GcpQuotas);

    private static void Rows(TextWriter output, string scenario, FleetProfile profile, int instances, Dictionary<string, long[]> calls)
    {
        foreach (var quota in profile.Quotas)
        {
            foreach (var (phase, from, to) in new[] { ("first hour", 0, 3600), ("steady", 3 * 3600, 4 * 3600) })
            {
                var peak = FleetSimulation.Peak(calls, quota, from, to);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {scenario}, {phase} | {profile.Backend} {quota.Name} | {instances:N0} | {peak:N0} / {quota.Per} | {quota.Limit:N0} / {quota.Per} | {peak / quota.Limit:F2} |"));
            }
        }
    }

    private static void Rollout(TextWriter output, FleetProfile profile, Dictionary<string, long[]> calls)
    {
        var best = double.PositiveInfinity;
        var limiting = "none";
        foreach (var quota in profile.Quotas)
        {
            var perInstance = quota.Operations.Sum(op => profile.Startup.TryGetValue(op, out var n) ? n : 0);
            if (perInstance == 0)
            {
                continue;
            }

            var headroom = (Budget * quota.Limit) - FleetSimulation.Peak(calls, quota, 3 * 3600, 4 * 3600);
            var rate = Math.Max(0, headroom) / (perInstance * (double)quota.WindowSeconds);
            if (rate < best)
            {
                best = rate;
                limiting = $"{quota.Name} ({quota.Limit:N0} / {quota.Per})";
            }
        }

        var startup = string.Join(", ", profile.Startup.Select(kv => $"{kv.Value} {kv.Key}"));
        var duration = best > 0 ? TimeSpan.FromSeconds(Instances / best) : TimeSpan.MaxValue;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {profile.Backend} | {profile.Mode} | {startup} | {limiting} | {best:N1} / s | {Format(duration)} |"));
    }

    private static string Format(TimeSpan duration) =>
        duration == TimeSpan.MaxValue ? "never" : duration.TotalMinutes >= 1 ? $"{duration.TotalMinutes:N1} min" : $"{duration.TotalSeconds:N0} s";

    private static int Pages(int pageSize) => (Secrets + pageSize - 1) / pageSize;

    private static Dictionary<string, int> Calls(params (string Operation, int Count)[] calls) =>
        calls.ToDictionary(c => c.Operation, c => c.Count, StringComparer.Ordinal);
}
