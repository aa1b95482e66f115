namespace Secrets.Sdk;

/// <summary>
/// Settings of the opt-in encrypted last-known-good cache (<see cref="SecretsManagerBuilder.UseLastKnownGoodCache"/>):
/// after every successful load or refresh the merged secrets are sealed in an envelope under
/// <see cref="KeyEncryptionKey"/> and written to one file; a host whose required source cannot load at startup
/// starts from that file if it is younger than <see cref="MaxAge"/>.
/// </summary>
public sealed class LastKnownGoodCacheOptions
{
    /// <summary>
    /// Gets or sets the key-encryption key that seals the cache (a local key file, Vault Transit, AWS KMS, Azure Key
    /// Vault, GCP Cloud KMS: any <see cref="IKeyEncryptionKey"/>). Required.
    /// </summary>
    public IKeyEncryptionKey? KeyEncryptionKey { get; set; }

    /// <summary>Gets or sets the age past which a cache file is never served. Default: 24 hours.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets the application name bound into the cache, so one application never starts from another's file.
    /// Default: the host's application name, or the entry assembly's name outside a host.
    /// </summary>
    public string? ApplicationName { get; set; }

    /// <summary>Gets or sets the largest cache file read or written, in bytes; a larger file is rejected. Default: 16 MiB.</summary>
    public int MaxFileBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets how long reading and decrypting the cache at startup may take (the key-encryption key may be remote);
    /// past it the cache is not used. Default: 10 seconds.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long one background write of the cache may take before it is abandoned. Default: 30 seconds.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings and throws an <see cref="ArgumentException"/> naming the bad one.</summary>
    internal void Validate()
    {
        if (KeyEncryptionKey is null)
        {
            throw new ArgumentException($"The last-known-good cache needs a {nameof(KeyEncryptionKey)}.", nameof(KeyEncryptionKey));
        }

        if (MaxAge <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(MaxAge)} must be positive; it was {MaxAge}.", nameof(MaxAge));
        }

        if (MaxFileBytes < 1024)
        {
            throw new ArgumentException($"{nameof(MaxFileBytes)} must be at least 1024; it was {MaxFileBytes}.", nameof(MaxFileBytes));
        }

        if (ReadTimeout <= TimeSpan.Zero || WriteTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(ReadTimeout)} and {nameof(WriteTimeout)} must be positive.", ReadTimeout <= TimeSpan.Zero ? nameof(ReadTimeout) : nameof(WriteTimeout));
        }

        if (ApplicationName is { Length: 0 })
        {
            throw new ArgumentException($"{nameof(ApplicationName)} must not be empty.", nameof(ApplicationName));
        }
    }
}
