namespace Secrets.Sdk;

/// <summary>A data key encrypted (wrapped) by a key-encryption key.</summary>
/// <param name="ProviderId">Which kind of KEK wrapped it (for example <c>local</c>, <c>vault-transit</c>, <c>aws-kms</c>).</param>
/// <param name="KeyId">The KEK's id including its version where the provider has versions (for example a KMS key ARN).</param>
/// <param name="Ciphertext">The wrapped key bytes; opaque to everyone but the provider.</param>
public sealed record WrappedDataKey(string ProviderId, string KeyId, ReadOnlyMemory<byte> Ciphertext);
