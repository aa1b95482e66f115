using System.Security.Cryptography;

namespace Secrets.Sdk;

/// <summary>
/// A data key unwrapped by a key-encryption key, together with the key id (and version) the KEK verified it was wrapped
/// under. The owner disposes it, which zeroes the plaintext.
/// </summary>
/// <remarks>
/// A message's wrapped-key entry names its KEK and version, but that label is only authenticated after the data key
/// is unwrapped (by the header tag, which needs the data key). A KEK must therefore confirm from something the provider
/// authenticates — Vault Transit's <c>vault:vN:</c> prefix of a ciphertext it decrypted, the key ARN AWS KMS returns
/// from <c>Decrypt</c>, the key id bound into a local wrap — that the key it used is the one the label claims, and
/// report it here. The envelope encryptor applies its decrypt policy (allowed key ids, minimum version) to this key id.
/// </remarks>
public sealed class UnwrappedDataKey : IDisposable
{
    private readonly byte[] _plaintext;
    private bool _disposed;

    /// <summary>Creates the result of an unwrap the KEK verified, taking ownership of <paramref name="plaintext"/>.</summary>
    /// <param name="plaintext">The data key; this object zeroes it on dispose.</param>
    /// <param name="keyId">
    /// The key id (with <c>:v{N}</c> where the provider has versions) that the KEK verified the data key was wrapped under;
    /// it equals the key id of the <see cref="WrappedDataKey"/> it was asked to unwrap, or the KEK throws instead.
    /// </param>
    public UnwrappedDataKey(byte[] plaintext, string keyId)
        : this(plaintext, keyId, verified: true)
    {
    }

    private UnwrappedDataKey(byte[] plaintext, string keyId, bool verified)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        _plaintext = plaintext;
        KeyId = keyId;
        IsKeyIdVerified = verified;
    }

    /// <summary>Gets the plaintext data key. Valid until the object is disposed.</summary>
    public ReadOnlySpan<byte> Plaintext
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _plaintext;
        }
    }

    /// <summary>Gets the key id (and version) the data key was unwrapped with.</summary>
    public string KeyId { get; }

    /// <summary>
    /// Gets a value indicating whether the KEK verified <see cref="KeyId"/>. It is <see langword="false"/> only for KEKs
    /// that implement just <see cref="IKeyEncryptionKey.UnwrapKeyAsync"/>; the envelope encryptor then refuses the key
    /// when its decrypt policy restricts key ids or versions, because the policy could not be enforced.
    /// </summary>
    public bool IsKeyIdVerified { get; }

    /// <summary>
    /// Creates the result of an unwrap whose key id the KEK could not verify (it only repeats the message's claim); used
    /// by the default <see cref="IKeyEncryptionKey.UnwrapAsync"/>.
    /// </summary>
    /// <param name="plaintext">The data key; the result zeroes it on dispose.</param>
    /// <param name="claimedKeyId">The key id the message claims.</param>
    /// <returns>The unverified result.</returns>
    public static UnwrappedDataKey Unverified(byte[] plaintext, string claimedKeyId) => new(plaintext, claimedKeyId, verified: false);

    /// <summary>Zeroes the plaintext key.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            CryptographicOperations.ZeroMemory(_plaintext);
            _disposed = true;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"UnwrappedDataKey({KeyId}{(IsKeyIdVerified ? string.Empty : ", unverified")})";
}
