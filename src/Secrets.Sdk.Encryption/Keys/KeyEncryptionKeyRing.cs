namespace Secrets.Sdk.Encryption;

/// <summary>
/// Several key-encryption keys acting as one: the first wraps new data keys (its provider and key id go into messages),
/// and every key unwraps — the way to rotate to a new KEK while old messages stay readable. Unlike passing several KEKs
/// to <see cref="EnvelopeEncryptor"/> (which wraps each data key under all of them), a ring wraps under one key only.
/// </summary>
/// <remarks>
/// Unwrapping asks each key that <see cref="IKeyEncryptionKey.CanUnwrap"/> the wrapped key, in order, and returns the first
/// verified answer; if all refuse, the last refusal is thrown. Each key's own verification of key ids and versions applies.
/// </remarks>
public sealed class KeyEncryptionKeyRing : IKeyEncryptionKey, IDisposable, IAsyncDisposable
{
    private readonly IKeyEncryptionKey[] _keys;
    private readonly bool _ownsKeys;
    private int _disposed;

    /// <summary>Creates a ring.</summary>
    /// <param name="keys">The keys, at least one; the first wraps.</param>
    /// <param name="ownsKeys">Whether disposing the ring disposes the keys.</param>
    public KeyEncryptionKeyRing(IEnumerable<IKeyEncryptionKey> keys, bool ownsKeys = false)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.ToArray();
        if (_keys.Length == 0 || _keys.Any(k => k is null))
        {
            throw new ArgumentException("A key ring needs at least one key-encryption key, and none may be null.", nameof(keys));
        }

        _ownsKeys = ownsKeys;
    }

    /// <summary>Gets the keys, the wrapping one first.</summary>
    public IReadOnlyList<IKeyEncryptionKey> Keys => _keys;

    /// <summary>Gets the key that wraps new data keys.</summary>
    public IKeyEncryptionKey Primary => _keys[0];

    /// <inheritdoc/>
    public string ProviderId => Primary.ProviderId;

    /// <inheritdoc/>
    public string KeyId => Primary.KeyId;

    /// <inheritdoc/>
    public bool CanUnwrap(string providerId, string keyId) => _keys.Any(k => k.CanUnwrap(providerId, keyId));

    /// <inheritdoc/>
    public ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        Primary.GenerateDataKeyAsync(keySizeBytes, context, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        Primary.WrapKeyAsync(dataKey, context, cancellationToken);

    /// <inheritdoc/>
    public async ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        KeyEncryptionKeyException? last = null;
        foreach (var key in _keys)
        {
            if (!key.CanUnwrap(wrappedKey.ProviderId, wrappedKey.KeyId))
            {
                continue;
            }

            try
            {
                return await key.UnwrapAsync(wrappedKey, context, cancellationToken).ConfigureAwait(false);
            }
            catch (KeyEncryptionKeyException ex)
            {
                last = ex;
            }
        }

        throw last ?? new KeyEncryptionKeyException($"No key of the ring ({string.Join(", ", _keys.Select(k => k.ProviderId + ":" + k.KeyId))}) can unwrap a data key of '{wrappedKey.ProviderId}' key '{wrappedKey.KeyId}'.")
        {
            ProviderId = wrappedKey.ProviderId,
            KeyId = wrappedKey.KeyId,
        };
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        using var unwrapped = await UnwrapAsync(wrappedKey, context, cancellationToken).ConfigureAwait(false);
        return unwrapped.Plaintext.ToArray();
    }

    /// <summary>Disposes the keys when the ring owns them (a key that is only <see cref="IAsyncDisposable"/> is disposed synchronously; prefer <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        if (_ownsKeys && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            DisposeKeys(_keys);
        }
    }

    /// <summary>Disposes the keys when the ring owns them.</summary>
    /// <returns>A task that completes when every key is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (!_ownsKeys || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var key in _keys)
        {
            if (key is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else if (key is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"KeyEncryptionKeyRing({string.Join(", ", _keys.Select(k => k.ProviderId + ":" + k.KeyId))})";

    internal static void DisposeKeys(IEnumerable<IKeyEncryptionKey> keys)
    {
        foreach (var key in keys)
        {
            if (key is IDisposable disposable)
            {
                disposable.Dispose();
            }
            else if (key is IAsyncDisposable asyncDisposable)
            {
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }
}
