namespace Secrets.Sdk.Cli;

/// <summary>What <c>doctor</c> found for one declared source.</summary>
internal sealed class DoctorSource
{
    /// <summary>Gets the declaration's label (its <c>Name</c>, else type and position).</summary>
    public required string Source { get; init; }

    /// <summary>Gets the declared <c>Type</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Gets the configuration path of the declaration.</summary>
    public required string Path { get; init; }

    /// <summary>Gets a value indicating whether the source is usable: loaded, every secret read, its quota estimate under 100%.</summary>
    public required bool Usable { get; init; }

    /// <summary>Gets whether the backend answered at all (<see langword="null"/>: not an HTTP backend, judged by the load).</summary>
    public bool? Reachable { get; init; }

    /// <summary>Gets whether the credentials were accepted (<see langword="null"/>: unknown, e.g. unreachable).</summary>
    public bool? Authenticated { get; init; }

    /// <summary>Gets whether listing (discovery) worked; <see langword="null"/> when the source lists nothing or it is unknown.</summary>
    public bool? CanList { get; init; }

    /// <summary>Gets the time of the first load, in milliseconds.</summary>
    public double LoadMilliseconds { get; init; }

    /// <summary>Gets the median HTTP round trip, in milliseconds, if there were HTTP exchanges.</summary>
    public double? LatencyMilliseconds { get; init; }

    /// <summary>Gets the server clock minus the local clock, in seconds (±1 s: the <c>Date</c> header has seconds), if the server sent a date.</summary>
    public double? ClockSkewSeconds { get; init; }

    /// <summary>Gets the refresh interval the fleet estimate uses, in seconds.</summary>
    public double RefreshIntervalSeconds { get; init; }

    /// <summary>Gets the discovery interval the fleet estimate uses for listings, in seconds, for a source that discovers on its own interval (AWS, GCP).</summary>
    public double? DiscoveryIntervalSeconds { get; init; }

    /// <summary>Gets the source's error (kind and message, never a value), if it did not load.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the problems that make the source unusable or are worth a look.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>Gets the secrets: each read or failed one, with its version or error and its lease's remaining time.</summary>
    public required IReadOnlyList<DoctorSecret> Secrets { get; init; }

    /// <summary>Gets the estimated request rate of a fleet polling with this configuration, per operation.</summary>
    public required IReadOnlyList<DoctorQuota> Quotas { get; init; }
}
