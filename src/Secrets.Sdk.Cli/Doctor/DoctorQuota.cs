namespace Secrets.Sdk.Cli;

/// <summary>
/// One operation's estimated load from a fleet: the calls one steady-state refresh pass made (measured), times the
/// instances, over the refresh interval, plus the discovery listings of the first load over the discovery interval (AWS,
/// GCP), against the vendor's published quota.
/// </summary>
internal sealed class DoctorQuota
{
    /// <summary>Gets the operation (e.g. <c>ListSecrets</c>, <c>versions.access</c>).</summary>
    public required string Operation { get; init; }

    /// <summary>Gets the calls one instance made in one refresh pass.</summary>
    public required int CallsPerRefresh { get; init; }

    /// <summary>Gets the discovery listings one instance makes per discovery interval (AWS and GCP), if any.</summary>
    public int? CallsPerDiscovery { get; init; }

    /// <summary>Gets the fleet's mean request rate, per second.</summary>
    public required double FleetRequestsPerSecond { get; init; }

    /// <summary>Gets the vendor quota, per second, if one is published.</summary>
    public double? QuotaPerSecond { get; init; }

    /// <summary>Gets the share of the quota used (1 = all of it), if there is a quota.</summary>
    public double? QuotaUse { get; init; }
}
