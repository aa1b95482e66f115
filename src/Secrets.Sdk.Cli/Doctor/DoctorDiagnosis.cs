using System.Globalization;
using Secrets.Sdk.Aws;
using Secrets.Sdk.Gcp;

namespace Secrets.Sdk.Cli;

/// <summary>Judges one loaded (or failed) declared source: the checks <c>doctor</c> reports and whether the source is usable.</summary>
internal static class DoctorDiagnosis
{
    /// <summary>A clock further off than this makes a source unusable (AWS SigV4 refuses requests over 5 minutes off).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A clock further off than this is reported (leases and tokens are judged on the server's clock).</summary>
    public static readonly TimeSpan NoticeClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>The engine's refresh interval when a source sets none.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>Judges <paramref name="probe"/>, measuring one refresh pass for the fleet estimate when it loaded.</summary>
    /// <param name="probe">The loaded source.</param>
    /// <param name="instances">The fleet size.</param>
    /// <param name="time">The clock.</param>
    /// <param name="cancellationToken">Cancels the refresh pass.</param>
    /// <returns>The diagnosis.</returns>
    public static async Task<DoctorSource> DiagnoseAsync(SourceProbe probe, int instances, TimeProvider time, CancellationToken cancellationToken)
    {
        var statuses = probe.Statuses;
        var loadExchanges = probe.Observations.Exchanges;
        var problems = new List<string>();
        var loaded = statuses.Count > 0 && statuses.All(s => s.IsLoaded);
        var now = time.GetUtcNow();

        var secrets = Secrets(statuses, now);
        foreach (var secret in secrets.Where(s => !s.Readable))
        {
            problems.Add($"secret '{secret.Name}' cannot be read: {secret.ErrorKind}");
        }

        string? error = null;
        foreach (var status in statuses.Where(s => !s.IsLoaded))
        {
            error = $"{status.LastErrorKind ?? "Unknown"}: {status.LastError ?? "still loading after --timeout"}";
            problems.Add(statuses.Count == 1 ? $"did not load ({error})" : $"engine source '{status.Name}' did not load ({error})");
        }

        var answered = loadExchanges.Where(e => e.Status is not null).ToArray();
        bool? reachable = loadExchanges.Count > 0 ? answered.Length > 0 : loaded ? null : IsUnreachable(statuses) ? false : null;
        var authenticated = Authenticated(answered, statuses);
        bool? canList = loaded ? true : statuses.Any(s => s.LastErrorKind == nameof(SecretErrorKind.AccessDenied)) ? false : null;

        var latency = Median(answered.Select(e => e.Latency.TotalMilliseconds));
        var skew = Median(answered.Where(e => e.ClockSkew is not null).Select(e => e.ClockSkew!.Value.TotalSeconds));
        if (skew is { } s && Math.Abs(s) > NoticeClockSkew.TotalSeconds)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"the server's clock is {s:+0;-0} s from this machine's"));
        }

        var interval = probe.Options.Select(o => o.RefreshInterval ?? DefaultRefreshInterval).DefaultIfEmpty(DefaultRefreshInterval).Min();
        var discoveryInterval = loadExchanges.Any(e => e.IsDiscovery) ? DiscoveryInterval(probe.Options) : null;
        var quotas = loaded ? await QuotasAsync(probe, instances, interval, discoveryInterval, cancellationToken).ConfigureAwait(false) : [];
        foreach (var quota in quotas.Where(q => q.QuotaUse > 1))
        {
            var advice = quota.CallsPerDiscovery > 0 ? "raise DiscoveryInterval (or RefreshInterval), or name the secrets" : "raise RefreshInterval or name the secrets";
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{instances} instances would use {quota.QuotaUse:P0} of the {quota.Operation} quota: {advice}"));
        }

        var usable = loaded
            && secrets.All(x => x.Readable)
            && authenticated != false
            && !(skew is { } k && Math.Abs(k) > MaxClockSkew.TotalSeconds)
            && quotas.All(q => q.QuotaUse is null or <= 1);
        return new DoctorSource
        {
            Source = probe.Declaration.Label,
            Type = probe.Declaration.Type,
            Path = probe.Declaration.Path,
            Usable = usable,
            Reachable = reachable,
            Authenticated = authenticated,
            CanList = canList,
            LoadMilliseconds = Math.Round(probe.LoadTime.TotalMilliseconds, 1),
            LatencyMilliseconds = latency is null ? null : Math.Round(latency.Value, 1),
            ClockSkewSeconds = skew,
            RefreshIntervalSeconds = interval.TotalSeconds,
            DiscoveryIntervalSeconds = discoveryInterval?.TotalSeconds,
            Error = error,
            Problems = problems,
            Secrets = secrets,
            Quotas = quotas,
        };
    }

    private static List<DoctorSecret> Secrets(IReadOnlyList<SecretSourceStatus> statuses, DateTimeOffset now)
    {
        var secrets = new List<DoctorSecret>();
        foreach (var status in statuses)
        {
            secrets.AddRange(status.Secrets.Select(s => new DoctorSecret
            {
                Name = s.Name,
                Readable = true,
                Version = s.Version,
                LeaseTtlSeconds = s.LeaseExpiresAt is { } expires ? Math.Round((expires - now).TotalSeconds) : null,
            }));
            secrets.AddRange(status.FailedSecrets.Select(name => new DoctorSecret
            {
                Name = name,
                Readable = false,
                ErrorKind = status.FailedSecretErrorKinds.GetValueOrDefault(name) ?? nameof(SecretErrorKind.Unknown),
                Error = status.FailedSecretErrors.GetValueOrDefault(name),
            }));
        }

        return secrets;
    }

    private static bool? Authenticated(HttpExchange[] answered, IReadOnlyList<SecretSourceStatus> statuses)
    {
        if (answered.Any(e => e.Status is >= 200 and < 300))
        {
            return true;
        }

        // Every answer refused (Vault answers 403 to an unknown token, the clouds 401), or the engine says so.
        if ((answered.Length > 0 && answered.All(e => e.Status is 401 or 403))
            || statuses.Any(s => s.LastErrorKind == nameof(SecretErrorKind.Unauthenticated)))
        {
            return false;
        }

        return statuses.Count > 0 && statuses.All(s => s.IsLoaded) ? true : null;
    }

    private static bool IsUnreachable(IReadOnlyList<SecretSourceStatus> statuses) =>
        statuses.Any(s => s.LastErrorKind is nameof(SecretErrorKind.Unavailable) or nameof(SecretErrorKind.Timeout));

    /// <summary>The discovery interval of an AWS or GCP source (they list once per it and check versions in between).</summary>
    private static TimeSpan? DiscoveryInterval(IReadOnlyList<SecretSourceOptions> options) =>
        options.Select(o => o switch
        {
            AwsSecretsManagerSourceOptions aws => aws.DiscoveryInterval,
            GcpSecretManagerSourceOptions gcp => gcp.DiscoveryInterval,
            _ => (TimeSpan?)null,
        }).Where(i => i is not null).DefaultIfEmpty(null).Min();

    /// <summary>
    /// Counts the requests of one steady-state refresh pass (measured) and, for sources that discover on their own
    /// interval, the discovery listings of the first load, then scales both to a fleet: calls × N ÷ interval per operation.
    /// </summary>
    private static async Task<IReadOnlyList<DoctorQuota>> QuotasAsync(SourceProbe probe, int instances, TimeSpan interval, TimeSpan? discoveryInterval, CancellationToken cancellationToken)
    {
        var discovery = discoveryInterval is null ? [] : probe.Observations.Exchanges.Where(e => e.IsDiscovery).ToArray();
        var pass = await probe.MeasureRefreshAsync(cancellationToken).ConfigureAwait(false);

        // A pass that happened to include a discovery listing would count it on every refresh; it is counted per discovery.
        var steady = discoveryInterval is null ? pass : pass.Where(e => !e.IsDiscovery).ToArray();
        var operations = steady.Select(e => e.Operation).Concat(discovery.Select(e => e.Operation)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return operations
            .Select(operation =>
            {
                var calls = steady.Count(e => e.Operation == operation);
                var listings = discovery.Count(e => e.Operation == operation);
                var rate = (calls * (double)instances / interval.TotalSeconds)
                    + (listings == 0 ? 0 : listings * (double)instances / discoveryInterval!.Value.TotalSeconds);
                var quota = VendorQuotas.Of(operation);
                return new DoctorQuota
                {
                    Operation = operation,
                    CallsPerRefresh = calls,
                    CallsPerDiscovery = listings == 0 ? null : listings,
                    FleetRequestsPerSecond = Math.Round(rate, 3),
                    QuotaPerSecond = quota,
                    QuotaUse = quota is null ? null : Math.Round(rate / quota.Value, 4),
                };
            })
            .ToArray();
    }

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? null : sorted[sorted.Length / 2];
    }
}
