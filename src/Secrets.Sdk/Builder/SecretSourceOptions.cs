namespace Secrets.Sdk;

/// <summary>
/// How one secret source is loaded, mapped into configuration and refreshed. Backend packages derive
/// their own options from this class so every source shares one model.
/// </summary>
public class SecretSourceOptions
{
    /// <summary>Gets or sets the display name used in logs, metrics, health and errors. Defaults to the store's name.</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the source may fail to load at startup. A required source that
    /// cannot load fails the host with an exception naming the source, the secret and the cause; an optional
    /// one logs and continues with no keys. Default: <see langword="false"/>.
    /// </summary>
    public bool Optional { get; set; }

    /// <summary>Gets or sets the configuration section every key of this source is placed under (for example <c>Database</c>).</summary>
    public string? Section { get; set; }

    /// <summary>
    /// Gets or sets a key prefix to strip. It is compared with the mapped configuration key (case-insensitive, at a
    /// <c>:</c> boundary); secrets whose key does not start with it are skipped.
    /// </summary>
    public string? KeyPrefix { get; set; }

    /// <summary>
    /// Gets or sets the mapper from a secret to its configuration key (or to <see langword="null"/>, which skips the
    /// secret). Backends set their ecosystem's delimiters; derive from <see cref="SecretKeyMapper"/> to choose keys yourself.
    /// </summary>
    public SecretKeyMapper KeyMapper { get; set; } = SecretKeyMapper.Default;

    /// <summary>
    /// Gets or sets a value indicating whether a JSON object or array value is flattened into child keys
    /// (<c>{"user":"u"}</c> under <c>Db</c> gives <c>Db:user</c>; arrays give <c>:0</c>, <c>:1</c>). Default: <see langword="true"/>.
    /// </summary>
    public bool FlattenJson { get; set; } = true;

    /// <summary>Gets or sets how often the source is polled for changes; <see langword="null"/> disables polling. Default: 5 minutes.</summary>
    public TimeSpan? RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the relative jitter applied to every poll delay (0.1 is ±10%) so a fleet of instances does
    /// not poll in step. The first poll after loading is spread further, uniformly over the whole
    /// <see cref="RefreshInterval"/>, so a fleet deployed in the same second starts out of step; 0 turns both off
    /// (every poll exactly one interval after the last). Default: 0.1.
    /// </summary>
    public double RefreshJitter { get; set; } = 0.1;

    /// <summary>Gets or sets the shortest time between two refreshes, whatever asks for them. Default: 1 second.</summary>
    public TimeSpan MinimumRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay the error back-off may reach between failed refreshes. Default: 5 minutes.</summary>
    public TimeSpan MaxErrorBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long a store's change signal is debounced before a refresh runs, so a burst of file
    /// events gives one refresh. Default: 250 milliseconds.
    /// </summary>
    public TimeSpan ChangeDebounce { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets the age of the last good load after which the health check reports Degraded.
    /// Default: <see langword="null"/>, meaning three refresh intervals.
    /// </summary>
    public TimeSpan? DegradedAfter { get; set; }

    /// <summary>
    /// Gets or sets the age of the last good load after which the health check reports Unhealthy.
    /// Default: <see langword="null"/>, meaning ten refresh intervals.
    /// </summary>
    public TimeSpan? UnhealthyAfter { get; set; }

    /// <summary>
    /// Gets or sets the largest value, in bytes, one secret may have. A bigger value fails that secret alone (its last
    /// good value stays, it is reported by name); the rest of the source keeps loading. Default: 1 MiB.
    /// </summary>
    public int MaxSecretBytes { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how many value reads (batches) may run at once against the store. Default: 16.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Gets the resilience settings (timeout, retry, circuit breaker) for calls to this source's store.</summary>
    public SecretResilienceOptions Resilience { get; } = new();

    /// <summary>Gets the lease settings for dynamic secrets of this source.</summary>
    public SecretLeaseOptions Leases { get; } = new();

    /// <summary>Checks the options and throws an <see cref="ArgumentException"/> that names the bad setting.</summary>
    public virtual void Validate()
    {
        if (RefreshInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(RefreshInterval)} must be positive or null; it was {interval}.", nameof(RefreshInterval));
        }

        if (RefreshJitter is < 0 or >= 1 || double.IsNaN(RefreshJitter))
        {
            throw new ArgumentException($"{nameof(RefreshJitter)} must be in [0, 1); it was {RefreshJitter}.", nameof(RefreshJitter));
        }

        if (MinimumRefreshInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MinimumRefreshInterval)} must not be negative.", nameof(MinimumRefreshInterval));
        }

        if (MaxConcurrency < 1)
        {
            throw new ArgumentException($"{nameof(MaxConcurrency)} must be at least 1; it was {MaxConcurrency}.", nameof(MaxConcurrency));
        }

        if (MaxSecretBytes < 1)
        {
            throw new ArgumentException($"{nameof(MaxSecretBytes)} must be at least 1; it was {MaxSecretBytes}.", nameof(MaxSecretBytes));
        }

        ArgumentNullException.ThrowIfNull(KeyMapper, nameof(KeyMapper));
        Resilience.Validate();
        Leases.Validate();
    }
}
