using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Secrets.Sdk.Azure;

/// <summary>
/// A key-encryption key in Azure Key Vault: an RSA key whose <c>wrapkey</c>/<c>unwrapkey</c> operations (RSA-OAEP-256)
/// wrap data keys. <c>Azure.Security.KeyVault.Keys</c> is not used; the keys REST API is called through an Azure.Core
/// <see cref="HttpPipeline"/> with the given credential and Key Vault's challenge-based authentication.
/// </summary>
/// <remarks>
/// <para>
/// https://learn.microsoft.com/rest/api/keyvault/keys/wrap-key/wrap-key and .../unwrap-key/unwrap-key: the answer's
/// <c>kid</c> names the key version that did the work. A wrap records that versioned <c>kid</c> as the envelope's key id,
/// so a rotated key (a new current version) still unwraps old data keys: unwrap calls exactly the version the message
/// names, and the <c>kid</c> Key Vault answers with must equal it, or the data key is refused. A message relabelled with
/// another version fails because that version's RSA key cannot decrypt it; one relabelled with another key or vault is
/// refused before any call (the bearer token only ever goes to the configured vault).
/// </para>
/// <para>
/// RSA-OAEP has no associated data, so the message's encryption context is bound by the envelope's own authenticated
/// header, not by Key Vault.
/// </para>
/// </remarks>
public sealed class AzureKeyVaultKeyEncryptionKey : IKeyEncryptionKey
{
    /// <summary>The provider id written into envelope messages: <c>azure-keyvault</c>.</summary>
    public const string Provider = "azure-keyvault";

    /// <summary>The wrap algorithm: <c>RSA-OAEP-256</c>.</summary>
    public const string Algorithm = "RSA-OAEP-256";

    private const int MaxAnswerBytes = 64 * 1024;
    private readonly KeyVaultKeyId _key;
    private readonly HttpPipeline _pipeline;
    private readonly string _apiVersion;

    /// <summary>Creates the KEK.</summary>
    /// <param name="keyId">
    /// The key identifier, <c>https://VAULT.vault.azure.net/keys/NAME</c> (new data keys are wrapped by the current version)
    /// or <c>…/keys/NAME/VERSION</c> (always that version).
    /// </param>
    /// <param name="credential">The credential, for example <c>new DefaultAzureCredential()</c>.</param>
    /// <param name="options">Transport, retry and challenge options; default <see cref="AzureKeyVaultKeyOptions"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="keyId"/> is not an https Key Vault key identifier.</exception>
    public AzureKeyVaultKeyEncryptionKey(Uri keyId, TokenCredential credential, AzureKeyVaultKeyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        ArgumentNullException.ThrowIfNull(credential);
        _key = KeyVaultKeyId.TryParse(keyId.ToString())
            ?? throw new ArgumentException($"'{keyId}' is not a Key Vault key identifier (https://VAULT/keys/NAME[/VERSION]).", nameof(keyId));
        options ??= new AzureKeyVaultKeyOptions();
        _apiVersion = options.ApiVersion;
        _pipeline = HttpPipelineBuilder.Build(options, [], [new KeyVaultChallengePolicy(credential, !options.DisableChallengeResourceVerification), new BoundedResponsePolicy(MaxAnswerBytes)], new ResponseClassifier());
        KeyId = _key.Id;
    }

    /// <inheritdoc/>
    public string ProviderId => Provider;

    /// <summary>Gets the configured key identifier (versionless when the current version wraps). Wrapped keys carry the versioned <c>kid</c>.</summary>
    public string KeyId { get; }

    /// <inheritdoc/>
    /// <remarks>Any version of the configured key in the configured vault: a rotated key still unwraps old data keys.</remarks>
    public bool CanUnwrap(string providerId, string keyId) =>
        providerId == Provider && KeyVaultKeyId.TryParse(keyId) is { Version: not null } claimed && claimed.IsSameKey(_key);

    /// <inheritdoc/>
    public async ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keySizeBytes, 16);
        var plaintext = RandomNumberGenerator.GetBytes(keySizeBytes);
        try
        {
            var wrapped = await WrapKeyAsync(plaintext, context, cancellationToken).ConfigureAwait(false);
            return new GeneratedDataKey(plaintext, wrapped);
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        var result = await SendAsync(_key, "wrapkey", dataKey, cancellationToken).ConfigureAwait(false);
        if (KeyVaultKeyId.TryParse(result.KeyId) is not { Version: not null } used || !used.IsSameKey(_key) || (_key.Version is { } pinned && used.Version != pinned))
        {
            throw new SecretStoreException($"Key Vault wrapped with '{result.KeyId}', not a version of the configured '{KeyId}'.", SecretErrorKind.InvalidResponse, Provider);
        }

        return new WrappedDataKey(Provider, used.Id, Decode(result.Value, "wrapkey"));
    }

    /// <inheritdoc/>
    public async ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        if (!CanUnwrap(wrappedKey.ProviderId, wrappedKey.KeyId))
        {
            throw new KeyEncryptionKeyException($"Azure Key Vault key '{KeyId}' cannot unwrap a data key of '{wrappedKey.ProviderId}' key '{wrappedKey.KeyId}'.") { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        // The call goes to the configured vault with the claimed name and version (never to a URL taken from the message).
        var claimed = KeyVaultKeyId.TryParse(wrappedKey.KeyId)!;
        var target = _key with { Version = claimed.Version };
        KeyOperationResult result;
        try
        {
            result = await SendAsync(target, "unwrapkey", wrappedKey.Ciphertext, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.InvalidRequest)
        {
            // Tampered blob, or a blob of another version relabelled as this one: the RSA decryption fails and Key Vault answers 400.
            throw new KeyEncryptionKeyException($"Azure Key Vault key '{wrappedKey.KeyId}' refused to unwrap the data key ({ex.ErrorCode}).", ex) { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        var plaintext = Decode(result.Value, "unwrapkey");
        if (KeyVaultKeyId.TryParse(result.KeyId) is not { } used || !used.IsSameKey(claimed) || used.Version != claimed.Version)
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw new KeyEncryptionKeyException($"The data key labelled with Azure Key Vault key '{wrappedKey.KeyId}' was unwrapped by '{result.KeyId}'; the message's key id does not match.") { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        return new UnwrappedDataKey(plaintext, wrappedKey.KeyId);
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        using var unwrapped = await UnwrapAsync(wrappedKey, context, cancellationToken).ConfigureAwait(false);
        return unwrapped.Plaintext.ToArray();
    }

    private async Task<KeyOperationResult> SendAsync(KeyVaultKeyId key, string operation, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new KeyOperationRequest { Algorithm = Algorithm, Value = Base64UrlEncoding.Encode(value.Span) }, KeyOperationJsonContext.Default.KeyOperationRequest);
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(new Uri($"{key.Id}/{operation}?api-version={Uri.EscapeDataString(_apiVersion)}"));
        request.Headers.Add("Content-Type", "application/json");
        request.Headers.Add("Accept", "application/json");
        request.Content = RequestContent.Create(body);
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw KeyVaultErrors.Map(ex, key.Vault.Authority, Provider, key.Id, TimeProvider.System);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }

        var response = message.Response;
        var answer = response.Content.ToArray();
        if (response.Status != 200)
        {
            var kind = KeyVaultErrors.Classify(response.Status);
            var code = ErrorCode(answer);
            throw new SecretStoreException(
                $"Key Vault {key.Vault.Authority}: {kind} for key '{key.Id}' on {operation} (HTTP {response.Status.ToString(CultureInfo.InvariantCulture)}{(code is null ? string.Empty : ", " + code)}).",
                kind,
                Provider,
                key.Id,
                response.Status,
                code,
                KeyVaultErrors.RetryAfter(response, TimeProvider.System.GetUtcNow()));
        }

        try
        {
            return JsonSerializer.Deserialize(answer, KeyOperationJsonContext.Default.KeyOperationResult)
                ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new SecretStoreException($"Key Vault {key.Vault.Authority}: the {operation} answer for key '{key.Id}' is not a key operation result.", SecretErrorKind.InvalidResponse, Provider, key.Id, innerException: ex);
        }
    }

    private static string? ErrorCode(byte[] answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] Decode(string? value, string operation)
    {
        try
        {
            return Base64UrlEncoding.Decode(value ?? throw new FormatException("missing"));
        }
        catch (FormatException ex)
        {
            throw new SecretStoreException($"The Key Vault {operation} answer has no base64url 'value'.", SecretErrorKind.InvalidResponse, Provider, innerException: ex);
        }
    }
}
