namespace Secrets.Sdk;

/// <summary>The state of one secret source, for health checks and diagnostics. Holds no values.</summary>
public sealed record SecretSourceStatus
{
    /// <summary>Gets the source's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the name of the source's store (for example <c>vault:secret/orders/production</c>); several sources of one <c>AddVault</c> call share a <see cref="Name"/> but not a store name.</summary>
    public string StoreName { get; init; } = "";

    /// <summary>Gets a value indicating whether the source is optional.</summary>
    public bool Optional { get; init; }

    /// <summary>Gets a value indicating whether the source has loaded successfully at least once.</summary>
    public bool IsLoaded { get; init; }

    /// <summary>Gets when the source last loaded or refreshed successfully.</summary>
    public DateTimeOffset? LastSuccessAt { get; init; }

    /// <summary>Gets when the source last tried to load or refresh.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>Gets how many refreshes in a row have failed.</summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>Gets a description of the last failure (exception type and message; never a value).</summary>
    public string? LastError { get; init; }

    /// <summary>Gets how many secrets are loaded.</summary>
    public int SecretCount { get; init; }

    /// <summary>Gets how many configuration keys the source contributes.</summary>
    public int KeyCount { get; init; }

    /// <summary>Gets the names of secrets whose last read failed (their last good values, if any, are still served).</summary>
    public IReadOnlyList<string> FailedSecrets { get; init; } = [];

    /// <summary>Gets why each failing secret failed (exception type and message; never a value), by secret name.</summary>
    public IReadOnlyDictionary<string, string> FailedSecretErrors { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets the kind of the last failure: a <see cref="SecretErrorKind"/> name, <c>CircuitOpen</c>, or the exception's
    /// type name; <see langword="null"/> when the last attempt succeeded.
    /// </summary>
    public string? LastErrorKind { get; init; }

    /// <summary>Gets the kind of each failing secret's error (as <see cref="LastErrorKind"/>), by secret name.</summary>
    public IReadOnlyDictionary<string, string> FailedSecretErrorKinds { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets every loaded secret with the version fingerprint it was read at and, for a dynamic secret, when its lease expires. Never a value.</summary>
    public IReadOnlyList<LoadedSecretStatus> Secrets { get; init; } = [];

    /// <summary>Gets a value indicating whether the source is still loading for the first time (an optional source that missed the startup wait).</summary>
    public bool IsLoading { get; init; }

    /// <summary>Gets the data age after which the source is reported Degraded.</summary>
    public TimeSpan? DegradedAfter { get; init; }

    /// <summary>Gets the data age after which the source is reported Unhealthy.</summary>
    public TimeSpan? UnhealthyAfter { get; init; }

    /// <summary>
    /// Gets when the last-known-good cache this source serves was written, while the source serves cached values
    /// (it could not load at startup); <see langword="null"/> once it loaded live, or when it never served the cache.
    /// </summary>
    public DateTimeOffset? ServingCachedFrom { get; init; }
}
