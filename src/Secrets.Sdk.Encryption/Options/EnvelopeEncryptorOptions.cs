namespace Secrets.Sdk.Encryption;

/// <summary>Settings of an <see cref="EnvelopeEncryptor"/>.</summary>
public sealed class EnvelopeEncryptorOptions
{
    /// <summary>The smallest frame size accepted.</summary>
    public const int MinFrameSize = 64;

    /// <summary>The largest frame size accepted.</summary>
    public const int MaxFrameSize = 16 * 1024 * 1024;

    /// <summary>Gets or sets the suite new messages use. Default: <see cref="EnvelopeSuite.Aes256Gcm"/>.</summary>
    public EnvelopeSuite Suite { get; set; } = EnvelopeSuite.Aes256Gcm;

    /// <summary>Gets or sets the plaintext bytes per frame. Default: 64 KiB.</summary>
    public int FrameSize { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the data-key cache limits; <see langword="null"/> (the default) gives every message a fresh data key.</summary>
    public DataKeyCacheOptions? DataKeyCache { get; set; }

    /// <summary>Gets or sets what decryption accepts.</summary>
    public EnvelopeDecryptPolicy DecryptPolicy { get; set; } = new();

    /// <summary>Gets or sets the clock for the data-key cache. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (FrameSize is < MinFrameSize or > MaxFrameSize)
        {
            throw new ArgumentException($"{nameof(FrameSize)} must be between {MinFrameSize} and {MaxFrameSize}; it was {FrameSize}.", nameof(FrameSize));
        }

        if (!Enum.IsDefined(Suite))
        {
            throw new ArgumentException($"{nameof(Suite)} {(int)Suite} is not a known suite.", nameof(Suite));
        }

        if (DataKeyCache is { } cache && (cache.MaxAge <= TimeSpan.Zero || cache.MaxMessages < 1 || cache.MaxBytes < 1))
        {
            throw new ArgumentException($"{nameof(DataKeyCache)} limits must all be positive.", nameof(DataKeyCache));
        }

        if (DecryptPolicy.MaxWrappedKeys is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentException($"{nameof(EnvelopeDecryptPolicy.MaxWrappedKeys)} must be between 1 and {ushort.MaxValue}.", nameof(DecryptPolicy));
        }
    }
}
