using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Secrets.Sdk;

/// <summary>
/// The names under which Secrets.Sdk publishes metrics (<see cref="System.Diagnostics.Metrics.Meter"/>) and traces
/// (<see cref="System.Diagnostics.ActivitySource"/>). Subscribe with OpenTelemetry's <c>AddMeter("Secrets.Sdk")</c>
/// and <c>AddSource("Secrets.Sdk")</c>. Tags carry source and secret names, never values.
/// </summary>
public static class SecretsTelemetry
{
    /// <summary>The meter and activity source name: <c>Secrets.Sdk</c>.</summary>
    public const string Name = "Secrets.Sdk";

    internal static readonly ActivitySource ActivitySource = new(Name, typeof(SecretsTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(SecretsTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Counter<long> Loads = Meter.CreateCounter<long>("secrets.loads", description: "Startup loads, tagged by source and outcome.");

    internal static readonly Counter<long> Refreshes = Meter.CreateCounter<long>("secrets.refreshes", description: "Refreshes, tagged by source and outcome (unchanged, changed, failed).");

    internal static readonly Counter<long> BackendCalls = Meter.CreateCounter<long>("secrets.backend.calls", description: "Calls to a backend store, tagged by source, operation and outcome.");

    internal static readonly Histogram<double> BackendLatency = Meter.CreateHistogram<double>("secrets.backend.duration", unit: "ms", description: "Latency of backend store calls.");

    internal static readonly Counter<long> SecretsRead = Meter.CreateCounter<long>("secrets.values.read", description: "Secret values read from a backend.");

    internal static readonly Counter<long> Errors = Meter.CreateCounter<long>("secrets.errors", description: "Failures, tagged by source and error kind.");

    internal static readonly Counter<long> Throttles = Meter.CreateCounter<long>("secrets.throttles", description: "Throttling responses from a backend.");

    internal static readonly Counter<long> Reloads = Meter.CreateCounter<long>("secrets.reloads", description: "Configuration reloads fired because a key or value changed.");

    internal static readonly Counter<long> LeaseEvents = Meter.CreateCounter<long>("secrets.lease.events", description: "Lease renewals, rotations, revocations and failures, tagged by kind.");

    internal static readonly Counter<long> CacheLookups = Meter.CreateCounter<long>("secrets.cache.lookups", description: "SecretCache lookups, tagged by result (hit, miss, stale).");

    private static readonly ConcurrentDictionary<SecretSourceRuntime, byte> ActiveSources = new();

    internal static readonly ObservableGauge<double> SnapshotAge = Meter.CreateObservableGauge(
        "secrets.snapshot.age",
        ObserveSnapshotAges,
        unit: "s",
        description: "Age of each source's last good load; grows while refreshes fail (stale-if-error).");

    internal static void Register(SecretSourceRuntime source) => ActiveSources[source] = 0;

    internal static void Unregister(SecretSourceRuntime source) => ActiveSources.TryRemove(source, out _);

    internal static int CountRegistered(string sourceName) => ActiveSources.Keys.Count(s => string.Equals(s.Name, sourceName, StringComparison.Ordinal));

    private static IEnumerable<Measurement<double>> ObserveSnapshotAges()
    {
        foreach (var source in ActiveSources.Keys)
        {
            if (source.Age is { } age)
            {
                yield return new Measurement<double>(age.TotalSeconds, new KeyValuePair<string, object?>("source", source.Name));
            }
        }
    }
}
