using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Sdk;

/// <summary>
/// Reports each source's freshness: Healthy while its last good load is younger than
/// <see cref="SecretSourceOptions.DegradedAfter"/>, Degraded after that (or while some secrets fail, or an optional
/// source is not loaded), Unhealthy after <see cref="SecretSourceOptions.UnhealthyAfter"/>. Stale values are served
/// meanwhile. The data names sources, ages and errors, never values.
/// </summary>
public sealed class SecretsHealthCheck : IHealthCheck
{
    private readonly ISecretsManager _manager;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the health check.</summary>
    /// <param name="manager">The running sources.</param>
    /// <param name="timeProvider">The clock to measure data age with.</param>
    public SecretsHealthCheck(ISecretsManager manager, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        _manager = manager;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        var worst = HealthStatus.Healthy;
        var reasons = new List<string>();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var source in _manager.Sources)
        {
            var (status, reason) = Evaluate(source, now);
            data[source.Name] = reason ?? "fresh";
            foreach (var (secret, error) in source.FailedSecretErrors)
            {
                data[$"{source.Name}/{secret}"] = error;
            }

            if (status < worst)
            {
                worst = status;
            }

            if (reason is not null && status != HealthStatus.Healthy)
            {
                reasons.Add($"{source.Name}: {reason}");
            }
        }

        var description = reasons.Count == 0 ? "All secret sources are fresh." : string.Join("; ", reasons);
        return Task.FromResult(new HealthCheckResult(worst, description, data: data));
    }

    /// <summary>
    /// Judges one source the way this check does: its status and, when it is not plainly fresh, why (ages, counts and
    /// error descriptions; never a value). For per-source displays such as a status endpoint.
    /// </summary>
    /// <param name="source">The source's status.</param>
    /// <param name="now">The time to measure data age at.</param>
    /// <returns>The source's health and the reason for it (<see langword="null"/> description when fresh).</returns>
    public static HealthCheckResult CheckSource(SecretSourceStatus source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        var (status, reason) = Evaluate(source, now);
        return new HealthCheckResult(status, reason);
    }

    private static (HealthStatus Status, string? Reason) Evaluate(SecretSourceStatus source, DateTimeOffset now)
    {
        if (source.ServingCachedFrom is { } cachedFrom)
        {
            // Started from the last-known-good cache; the live source keeps trying.
            return (HealthStatus.Degraded, $"serving cached secrets from {cachedFrom:o}; last error: {source.LastError ?? "none"}");
        }

        if (!source.IsLoaded)
        {
            var why = source.IsLoading && source.LastError is null
                ? "still loading"
                : $"not loaded ({source.LastError ?? "no attempt yet"})";
            return (source.Optional ? HealthStatus.Degraded : HealthStatus.Unhealthy, why);
        }

        var age = now - (source.LastSuccessAt ?? now);
        if (source.UnhealthyAfter is { } unhealthy && age > unhealthy)
        {
            return (HealthStatus.Unhealthy, $"data is {age} old (limit {unhealthy}); last error: {source.LastError}");
        }

        if (source.DegradedAfter is { } degraded && age > degraded)
        {
            return (HealthStatus.Degraded, $"data is {age} old (limit {degraded}); last error: {source.LastError}");
        }

        if (source.FailedSecrets.Count > 0)
        {
            return (HealthStatus.Degraded, $"{source.FailedSecrets.Count} secrets failing: {string.Join(", ", source.FailedSecrets.Take(10))}");
        }

        if (source.ConsecutiveFailures > 0)
        {
            // With a staleness limit, failures within it are tolerated; without one (a watched mount), any failure degrades.
            var status = source.DegradedAfter is null ? HealthStatus.Degraded : HealthStatus.Healthy;
            return (status, $"serving data {age} old after {source.ConsecutiveFailures} failed refreshes; last error: {source.LastError}");
        }

        return (HealthStatus.Healthy, null);
    }
}
