namespace Secrets.Sdk.Encryption;

/// <summary>
/// What <c>services.AddEnvelopeEncryption(...)</c> builds: the key-encryption keys (URIs and/or instances; together one
/// key ring whose first key wraps and all unwrap), the resolver that opens the URIs, and the encryptor's settings.
/// </summary>
public sealed class EnvelopeEncryptionOptions
{
    /// <summary>Gets the key-encryption key URIs, the wrapping key first (for example <c>local:/keys/app.key</c>, <c>aws-kms:arn:…</c>).</summary>
    public IList<string> Keys { get; } = [];

    /// <summary>
    /// Gets key-encryption keys given as instances; they follow the keys of <see cref="Keys"/> in the ring (so they wrap
    /// only when there is no URI). They stay the caller's: the container does not dispose them.
    /// </summary>
    public IList<IKeyEncryptionKey> KeyEncryptionKeys { get; } = [];

    /// <summary>
    /// Gets the resolver that opens <see cref="Keys"/>; <c>local:</c> is built in, other schemes are registered here by their
    /// packages (for example <c>o.Resolver.AddAwsKms()</c>).
    /// </summary>
    public KeyEncryptionKeyResolver Resolver { get; } = new();

    /// <summary>Gets the encryptor's settings (suite, frame size, data-key cache, decrypt policy).</summary>
    public EnvelopeEncryptorOptions Encryptor { get; } = new();
}
