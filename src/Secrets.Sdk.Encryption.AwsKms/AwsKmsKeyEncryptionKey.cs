using System.Security.Cryptography;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Secrets.Sdk.Aws;

/// <summary>
/// A key-encryption key in AWS KMS, over the real <c>AWSSDK.KeyManagementService</c> client: GenerateDataKey, Encrypt
/// and Decrypt with the message's encryption context as the KMS EncryptionContext, checking that KMS used the expected key.
/// </summary>
/// <remarks>https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html (and Encrypt, Decrypt).</remarks>
public sealed class AwsKmsKeyEncryptionKey : IKeyEncryptionKey, IDisposable
{
    /// <summary>The provider id written into envelope messages: <c>aws-kms</c>.</summary>
    public const string Provider = "aws-kms";

    private readonly IAmazonKeyManagementService _kms;
    private readonly bool _ownsClient;

    /// <summary>Creates the KEK.</summary>
    /// <param name="kms">The KMS client (configured with region, credentials and, for tests or VPC endpoints, ServiceURL).</param>
    /// <param name="keyArn">
    /// The KMS key ARN, <c>arn:aws:kms:region:account:key/key-id</c> (the id written into messages and checked against the
    /// key ARN in KMS's answers; an alias cannot be checked and is refused).
    /// </param>
    public AwsKmsKeyEncryptionKey(IAmazonKeyManagementService kms, string keyArn)
        : this(kms, keyArn, ownsClient: false)
    {
    }

    /// <summary>Creates the KEK, owning <paramref name="kms"/> when <paramref name="ownsClient"/> (a client made from a key URI).</summary>
    internal AwsKmsKeyEncryptionKey(IAmazonKeyManagementService kms, string keyArn, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(kms);
        ArgumentException.ThrowIfNullOrEmpty(keyArn);
        if (!IsKeyArn(keyArn))
        {
            // KMS answers GenerateDataKey, Encrypt and Decrypt with the key ARN, which is checked against this id, so a key
            // id, an alias or an alias ARN could never match.
            throw new ArgumentException($"AWS KMS key '{keyArn}' is not a key ARN (arn:aws:kms:<region>:<account>:key/<key-id>); aliases and bare key ids cannot be verified against KMS's answers.", nameof(keyArn));
        }

        _kms = kms;
        _ownsClient = ownsClient;
        KeyId = keyArn;
    }

    /// <inheritdoc/>
    public string ProviderId => Provider;

    /// <inheritdoc/>
    public string KeyId { get; }

    /// <inheritdoc/>
    public bool CanUnwrap(string providerId, string keyId) => providerId == Provider && keyId == KeyId;

    /// <inheritdoc/>
    public async ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        var response = await _kms.GenerateDataKeyAsync(new GenerateDataKeyRequest { KeyId = KeyId, NumberOfBytes = keySizeBytes, EncryptionContext = Context(context) }, cancellationToken).ConfigureAwait(false);
        CheckKey(response.KeyId);
        var plaintext = response.Plaintext.ToArray();
        Zero(response.Plaintext);
        return new GeneratedDataKey(plaintext, new WrappedDataKey(Provider, KeyId, response.CiphertextBlob.ToArray()));
    }

    /// <inheritdoc/>
    public async ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        using var plaintext = new MemoryStream(dataKey.ToArray());
        var response = await _kms.EncryptAsync(new EncryptRequest { KeyId = KeyId, Plaintext = plaintext, EncryptionContext = Context(context) }, cancellationToken).ConfigureAwait(false);
        Zero(plaintext);
        CheckKey(response.KeyId);
        return new WrappedDataKey(Provider, KeyId, response.CiphertextBlob.ToArray());
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Decrypt names the configured key (KMS then refuses a ciphertext of another key with <c>IncorrectKeyException</c>),
    /// and the key ARN KMS answers with — the key that really decrypted the ciphertext — must be the one the message
    /// claims. https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html (request <c>KeyId</c>; response
    /// <c>KeyId</c>: "the Amazon Resource Name (key ARN) of the KMS key that was used to decrypt the ciphertext").
    /// </remarks>
    public async ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        if (!CanUnwrap(wrappedKey.ProviderId, wrappedKey.KeyId))
        {
            throw new KeyEncryptionKeyException($"AWS KMS key '{KeyId}' cannot unwrap a data key of '{wrappedKey.ProviderId}' key '{wrappedKey.KeyId}'.") { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        DecryptResponse response;
        try
        {
            using var blob = new MemoryStream(wrappedKey.Ciphertext.ToArray());
            response = await _kms.DecryptAsync(new DecryptRequest { KeyId = KeyId, CiphertextBlob = blob, EncryptionContext = Context(context) }, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidCiphertextException ex)
        {
            // Wrong encryption context or tampered blob: KMS refuses without saying which.
            throw new KeyEncryptionKeyException($"AWS KMS key '{KeyId}' refused to decrypt the data key (InvalidCiphertextException).", ex) { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }
        catch (IncorrectKeyException ex)
        {
            // The ciphertext was made under another KMS key than the one the message names.
            throw new KeyEncryptionKeyException($"The data key labelled with AWS KMS key '{wrappedKey.KeyId}' was wrapped by another KMS key (IncorrectKeyException).", ex) { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        var plaintext = response.Plaintext.ToArray();
        Zero(response.Plaintext);
        if (!string.Equals(response.KeyId, wrappedKey.KeyId, StringComparison.Ordinal))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new KeyEncryptionKeyException($"The data key labelled with AWS KMS key '{wrappedKey.KeyId}' was decrypted by '{response.KeyId}'; the message's key id does not match its ciphertext.") { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        return new UnwrappedDataKey(plaintext, wrappedKey.KeyId);
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        using var unwrapped = await UnwrapAsync(wrappedKey, context, cancellationToken).ConfigureAwait(false);
        return unwrapped.Plaintext.ToArray();
    }

    /// <summary>Disposes the KMS client when this key created it (from a key URI); a client passed in stays the caller's.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _kms.Dispose();
        }
    }

    private void CheckKey(string? returned)
    {
        if (!string.Equals(returned, KeyId, StringComparison.Ordinal))
        {
            throw new KeyEncryptionKeyException($"AWS KMS answered with key '{returned}', not the configured '{KeyId}'.") { ProviderId = Provider, KeyId = KeyId };
        }
    }

    private static bool IsKeyArn(string value)
    {
        var parts = value.Split(':');
        return parts.Length == 6 && parts[0] == "arn" && parts[1].Length > 0 && parts[2] == "kms" && parts[3].Length > 0
            && parts[4].Length > 0 && parts[5].StartsWith("key/", StringComparison.Ordinal) && parts[5].Length > "key/".Length;
    }

    /// <summary>Zeroes a stream's buffer where the stream exposes it (the SDK's response streams may not).</summary>
    private static void Zero(MemoryStream stream)
    {
        if (stream.TryGetBuffer(out var buffer))
        {
            CryptographicOperations.ZeroMemory(buffer.AsSpan());
        }
    }

    private static Dictionary<string, string> Context(IReadOnlyDictionary<string, string> context) =>
        context.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
}
