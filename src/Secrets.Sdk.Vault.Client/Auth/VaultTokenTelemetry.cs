using System.Diagnostics.Metrics;

namespace Secrets.Sdk.Vault;

/// <summary>
/// The token's lease events on the <c>Secrets.Sdk</c> meter's <c>secrets.lease.events</c> counter (tags <c>source</c>:
/// the connection's name and " token", <c>kind</c>: Renewed, RenewalCapped, RenewalFailed, Rotated, RotationFailed,
/// Revoked, RevocationFailed, Expired), the names and tags the engine's lease manager uses, so an <c>AddVault</c> token
/// is counted as before and a Transit-only application, which has no engine, still gets them. The connection package
/// cannot reach the engine's meter, so it opens one of the same name: a listener subscribed to <c>Secrets.Sdk</c>
/// (OpenTelemetry's <c>AddMeter("Secrets.Sdk")</c>) receives both, as one metric.
/// </summary>
internal static class VaultTokenTelemetry
{
    private static readonly Meter Meter = new("Secrets.Sdk", typeof(VaultTokenTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly Counter<long> LeaseEvents = Meter.CreateCounter<long>("secrets.lease.events", description: "Lease renewals, rotations, revocations and failures, tagged by kind.");

    /// <summary>Counts one event of <paramref name="kind"/> for the token of <paramref name="source"/>.</summary>
    /// <param name="source">The token's source name.</param>
    /// <param name="kind">The event kind.</param>
    public static void Count(string source, string kind) =>
        LeaseEvents.Add(1, new KeyValuePair<string, object?>("source", source), new KeyValuePair<string, object?>("kind", kind));
}
