namespace Secrets.Sdk;

/// <summary>Settings of a <see cref="SecretCache"/>.</summary>
public sealed class SecretCacheOptions
{
    /// <summary>Gets or sets how long a value is fresh. Default: 1 hour.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Gets or sets how long past <see cref="TimeToLive"/> a stale value may still be returned while one background
    /// refresh replaces it (and while the backend fails). <see cref="TimeSpan.Zero"/> turns stale serving off. Default: 1 hour.
    /// </summary>
    public TimeSpan ServeStaleFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the most entries kept; the least recently used are evicted beyond it. Default: 1024.</summary>
    public int MaxEntries { get; set; } = 1024;

    /// <summary>Gets or sets the clock. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets the resilience settings for backend reads.</summary>
    public SecretResilienceOptions Resilience { get; } = new();
}
