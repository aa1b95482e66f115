namespace Secrets.Sdk.Tests.Shared;

/// <summary>
/// An attacker's KEK: wraps with <paramref name="inner"/> but writes another key id into the message, which the header
/// tag then authenticates (the attacker knows the data key), so only the unwrapping KEK can notice the relabel. One copy,
/// linked into the test project of every KEK that must verify what it unwraps.
/// </summary>
internal sealed class RelabellingKek(IKeyEncryptionKey inner, string claimedKeyId) : IKeyEncryptionKey
{
    public string ProviderId => inner.ProviderId;

    public string KeyId => claimedKeyId;

    public bool CanUnwrap(string providerId, string keyId) => false;

    public async ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        using var generated = await inner.GenerateDataKeyAsync(keySizeBytes, context, cancellationToken);
        return new GeneratedDataKey(generated.Plaintext.ToArray(), generated.Wrapped with { KeyId = claimedKeyId });
    }

    public async ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        (await inner.WrapKeyAsync(dataKey, context, cancellationToken)) with { KeyId = claimedKeyId };

    public ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        throw new KeyEncryptionKeyException("The relabelling KEK only wraps.");
}
