namespace Secrets.Sdk.Encryption.Tests.Infrastructure;

/// <summary>Counts every call to the KEK it wraps, to prove limits are checked before any KEK call.</summary>
internal sealed class CountingKek(IKeyEncryptionKey inner) : IKeyEncryptionKey
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public string ProviderId => inner.ProviderId;

    public string KeyId => inner.KeyId;

    public bool CanUnwrap(string providerId, string keyId) => inner.CanUnwrap(providerId, keyId);

    public ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.GenerateDataKeyAsync(keySizeBytes, context, cancellationToken);
    }

    public ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.WrapKeyAsync(dataKey, context, cancellationToken);
    }

    public ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.UnwrapAsync(wrappedKey, context, cancellationToken);
    }

    public ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.UnwrapKeyAsync(wrappedKey, context, cancellationToken);
    }
}
