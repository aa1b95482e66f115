namespace Secrets.Sdk;

/// <summary>
/// A key-encryption key (KEK) that wraps and unwraps data keys: a local key, Vault Transit, AWS KMS,
/// Azure Key Vault or GCP Cloud KMS. The envelope encryptor calls it once per data key, never per message
/// when a data-key cache is on.
/// </summary>
/// <remarks>
/// The <c>context</c> is the message's canonical encryption context. Providers that accept associated data
/// (AWS KMS EncryptionContext, GCP KMS AAD, Vault <c>associated_data</c>) must bind it, so unwrapping with a
/// different context fails. Unwrap failures throw <see cref="KeyEncryptionKeyException"/>.
/// <para>
/// A message's key id is not authenticated until its data key is unwrapped, so an implementation must check, from
/// something its provider authenticates, that a wrapped key really belongs to the key and version its
/// <see cref="WrappedDataKey.KeyId"/> claims, and report it through <see cref="UnwrapAsync"/> (see
/// <see cref="UnwrappedDataKey"/>). A mismatch throws <see cref="KeyEncryptionKeyException"/> naming the claimed key
/// id. A KEK that cannot verify a version must not write one into its key ids.
/// </para>
/// </remarks>
public interface IKeyEncryptionKey
{
    /// <summary>Gets the provider id written into messages (for example <c>local</c>, <c>aws-kms</c>).</summary>
    string ProviderId { get; }

    /// <summary>Gets the id of the key that wraps new data keys (including its version, where the provider has one).</summary>
    string KeyId { get; }

    /// <summary>Returns whether this KEK can unwrap a key wrapped under <paramref name="providerId"/> and <paramref name="keyId"/>.</summary>
    /// <param name="providerId">The provider id recorded in the message.</param>
    /// <param name="keyId">The key id recorded in the message.</param>
    /// <returns><see langword="true"/> when <see cref="UnwrapKeyAsync"/> may succeed.</returns>
    bool CanUnwrap(string providerId, string keyId);

    /// <summary>Creates a fresh random data key of <paramref name="keySizeBytes"/> bytes and wraps it.</summary>
    /// <param name="keySizeBytes">The data key size, usually 32.</param>
    /// <param name="context">The canonical encryption context to bind.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plaintext key and its wrapped form; the caller disposes it.</returns>
    ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken);

    /// <summary>Wraps an existing data key.</summary>
    /// <param name="dataKey">The plaintext data key.</param>
    /// <param name="context">The canonical encryption context to bind.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The wrapped key.</returns>
    ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken);

    /// <summary>
    /// Unwraps a data key and reports the key id (and version) it verified the key was wrapped under. The envelope
    /// encryptor calls this method and applies its decrypt policy to <see cref="UnwrappedDataKey.KeyId"/>.
    /// </summary>
    /// <param name="wrappedKey">The wrapped key from a message.</param>
    /// <param name="context">The canonical encryption context the key was wrapped with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plaintext data key and its verified key id; the caller disposes it.</returns>
    /// <exception cref="KeyEncryptionKeyException">
    /// The provider refused the key, or it was wrapped under another key or version than <paramref name="wrappedKey"/> claims.
    /// </exception>
    /// <remarks>
    /// Implementations must override this method. The default exists only so that KEKs written before it still compile: it
    /// calls <see cref="UnwrapKeyAsync"/> and returns an <see cref="UnwrappedDataKey.Unverified"/> result, which the
    /// envelope encryptor refuses whenever its decrypt policy restricts key ids or versions.
    /// </remarks>
    ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        UnwrapUnverifiedAsync(this, wrappedKey, context, cancellationToken);

    /// <summary>
    /// Unwraps a data key, verifying its key id as <see cref="UnwrapAsync"/> does. The caller owns and zeroes the
    /// returned array.
    /// </summary>
    /// <param name="wrappedKey">The wrapped key from a message.</param>
    /// <param name="context">The canonical encryption context the key was wrapped with.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The plaintext data key.</returns>
    ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken);

    private static async ValueTask<UnwrappedDataKey> UnwrapUnverifiedAsync(IKeyEncryptionKey kek, WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        var plaintext = await kek.UnwrapKeyAsync(wrappedKey, context, cancellationToken).ConfigureAwait(false);
        return UnwrappedDataKey.Unverified(plaintext, wrappedKey.KeyId);
    }
}
