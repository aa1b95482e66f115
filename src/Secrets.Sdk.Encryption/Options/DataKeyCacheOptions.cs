namespace Secrets.Sdk.Encryption;

/// <summary>
/// Limits of the opt-in data-key cache, which reuses one data key for several messages to bound KEK calls. Every
/// message still gets its own derived key and random message id, so nonces never repeat. All limits are enforced
/// under concurrency; whichever is reached first retires the key.
/// </summary>
public sealed class DataKeyCacheOptions
{
    /// <summary>Gets or sets how long a data key is reused. Required; default: 5 minutes.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many messages one data key may encrypt. Default: 2^20.</summary>
    public long MaxMessages { get; set; } = 1 << 20;

    /// <summary>Gets or sets how many plaintext bytes one data key may encrypt. Default: 2^36.</summary>
    public long MaxBytes { get; set; } = 1L << 36;
}
