namespace Secrets.Sdk.Benchmarks.Fleet;

/// <summary>
/// How one instance of a source calls its backend: its real options (refresh interval and jitter, discovery interval
/// and jitter: the shipped defaults unless a scenario changes them), and the calls of its startup load, of a refresh that
/// discovers (lists) and of a refresh that only checks versions, when nothing changed. The call counts are what the stores
/// do for 20 secrets (asserted against the emulators in the backend tests, for example
/// <c>DiscoveryIntervalTests</c> for AWS).
/// </summary>
internal sealed record FleetProfile(
    string Backend,
    string Mode,
    SecretSourceOptions Options,
    TimeSpan? DiscoveryInterval,
    double DiscoveryJitter,
    IReadOnlyDictionary<string, int> Startup,
    IReadOnlyDictionary<string, int> Discovery,
    IReadOnlyDictionary<string, int> Check,
    IReadOnlyList<FleetQuota> Quotas);
