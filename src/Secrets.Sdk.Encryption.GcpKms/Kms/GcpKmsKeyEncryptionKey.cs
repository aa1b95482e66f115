using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// A key-encryption key in GCP Cloud KMS (a symmetric <c>ENCRYPT_DECRYPT</c> CryptoKey), over the REST v1
/// <c>cryptoKeys.encrypt</c> and <c>cryptoKeys.decrypt</c> calls with CRC32C integrity fields checked in both directions.
/// </summary>
/// <remarks>
/// <para>
/// Key ids are <c>projects/P/locations/L/keyRings/R/cryptoKeys/K:v{N}</c>, N being the CryptoKeyVersion that encrypted. KMS's
/// decrypt answer does not name the version it used, so the version is proven another way: data keys are encrypted
/// against that exact CryptoKeyVersion (the answer's <c>name</c> must be it) with N bound into the additional authenticated
/// data next to the message's encryption context. A message relabelled to another version then fails KMS's own decrypt.
/// The primary version is learned from the <c>name</c> of an encrypt answer and re-learned every
/// <see cref="PrimaryVersionRefreshInterval"/>, or at once when the version is disabled.
/// </para>
/// <para>
/// https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/encrypt,
/// https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/decrypt,
/// https://cloud.google.com/kms/docs/data-integrity-guidelines.
/// </para>
/// </remarks>
public sealed class GcpKmsKeyEncryptionKey : IKeyEncryptionKey, IDisposable
{
    /// <summary>The provider id written into envelope messages: <c>gcp-kms</c>.</summary>
    public const string Provider = "gcp-kms";

    private const string VersionSegment = "/cryptoKeyVersions/";
    private static readonly byte[] AadLabel = "secrets-sdk gcp-kms kek v1"u8.ToArray();
    private readonly GcpRestClient _rest;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private (long Version, DateTimeOffset LearnedAt)? _primary;

    /// <summary>Creates the KEK.</summary>
    /// <param name="cryptoKeyName">The CryptoKey: <c>projects/P/locations/L/keyRings/R/cryptoKeys/K</c>.</param>
    /// <param name="credential">The credential (shared, not disposed by the key); default application default credentials, owned and disposed by the key.</param>
    /// <param name="endpoint">The endpoint; default <c>https://cloudkms.googleapis.com/</c>. Plain HTTP only to loopback.</param>
    /// <param name="timeProvider">The clock; default the system clock.</param>
    /// <param name="http">HTTP settings (limits, timeouts, handler hooks); default the backend kit's defaults.</param>
    public GcpKmsKeyEncryptionKey(string cryptoKeyName, GcpCredential? credential = null, Uri? endpoint = null, TimeProvider? timeProvider = null, BackendHttpOptions? http = null)
        : this(cryptoKeyName, CreateRest(endpoint, credential, timeProvider ?? TimeProvider.System, http ?? new BackendHttpOptions()), timeProvider ?? TimeProvider.System)
    {
    }

    internal GcpKmsKeyEncryptionKey(string cryptoKeyName, GcpRestClient rest, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(cryptoKeyName);
        var parts = cryptoKeyName.Split('/');
        if (parts.Length != 8 || parts[0] != "projects" || parts[2] != "locations" || parts[4] != "keyRings" || parts[6] != "cryptoKeys" || parts.Any(p => p.Length == 0 || p.Contains(':', StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{cryptoKeyName}' is not a CryptoKey name (projects/P/locations/L/keyRings/R/cryptoKeys/K).", nameof(cryptoKeyName));
        }

        CryptoKeyName = cryptoKeyName;
        _rest = rest;
        _time = timeProvider;
    }

    /// <summary>Gets the CryptoKey's resource name.</summary>
    public string CryptoKeyName { get; }

    /// <summary>Gets or sets how long a learned primary version is used before it is learned again. Default: 1 hour.</summary>
    public TimeSpan PrimaryVersionRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    public string ProviderId => Provider;

    /// <summary>Gets the key id new data keys are wrapped under: the CryptoKey with <c>:v{N}</c> once the primary version is known.</summary>
    public string KeyId => _primary is { } primary ? KeyIdOf(primary.Version) : CryptoKeyName;

    /// <inheritdoc/>
    public bool CanUnwrap(string providerId, string keyId) => providerId == Provider && TryParseVersion(keyId, out _);

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
        ArgumentNullException.ThrowIfNull(context);
        var version = await PrimaryVersionAsync(forceRefresh: false, cancellationToken).ConfigureAwait(false);
        try
        {
            return await EncryptAsync(dataKey, context, version, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (ex.ErrorCode == "FAILED_PRECONDITION")
        {
            // The version we used is no longer enabled (the key was rotated and the old primary disabled): learn the primary again once.
            version = await PrimaryVersionAsync(forceRefresh: true, cancellationToken).ConfigureAwait(false);
            return await EncryptAsync(dataKey, context, version, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        ArgumentNullException.ThrowIfNull(context);
        if (wrappedKey.ProviderId != Provider || !TryParseVersion(wrappedKey.KeyId, out var version))
        {
            throw Failure($"Cloud KMS key '{CryptoKeyName}' cannot unwrap a key wrapped under '{wrappedKey.ProviderId}:{wrappedKey.KeyId}' (not a version of this key).", wrappedKey.KeyId);
        }

        var ciphertext = wrappedKey.Ciphertext.ToArray();
        var aad = AdditionalData(context, version);
        var request = new KmsDecryptRequest
        {
            Ciphertext = Convert.ToBase64String(ciphertext),
            CiphertextCrc32c = Crc32C.Compute(ciphertext),
            AdditionalAuthenticatedData = Convert.ToBase64String(aad),
            AdditionalAuthenticatedDataCrc32c = Crc32C.Compute(aad),
        };
        KmsDecryptResponse response;
        try
        {
            response = await SendAsync($"v1/{CryptoKeyName}:decrypt", JsonSerializer.SerializeToUtf8Bytes(request, KmsJsonContext.Default.KmsDecryptRequest), KmsJsonContext.Default.KmsDecryptResponse, "decrypt", cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (!ex.IsTransient)
        {
            // A wrong context, a relabelled version or a tampered blob: KMS refuses (INVALID_ARGUMENT) without saying which.
            throw Failure($"Cloud KMS key '{CryptoKeyName}' refused to decrypt the data key claimed to be wrapped under version {version} ({ex.ErrorCode ?? ex.Kind.ToString()}).", wrappedKey.KeyId, ex);
        }

        var plaintext = Decode(response.Plaintext, "decrypt", "plaintext", wrappedKey.KeyId);
        if (response.PlaintextCrc32c is not { } crc || !Crc32C.Matches(plaintext, crc))
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw Failure($"Cloud KMS decrypt with key '{CryptoKeyName}' returned a plaintext that fails its CRC32C check (plaintextCrc32c); the answer was discarded.", wrappedKey.KeyId);
        }

        return new UnwrappedDataKey(plaintext, wrappedKey.KeyId);
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        using var unwrapped = await UnwrapAsync(wrappedKey, context, cancellationToken).ConfigureAwait(false);
        return unwrapped.Plaintext.ToArray();
    }

    /// <summary>Disposes the HTTP client.</summary>
    public void Dispose()
    {
        _rest.Dispose();
        _probeGate.Dispose();
    }

    /// <summary>The associated data sent to KMS: a label, the CryptoKeyVersion number, then the context's pairs in ordinal order, each length-prefixed.</summary>
    internal static byte[] AdditionalData(IReadOnlyDictionary<string, string> context, long version)
    {
        using var buffer = new MemoryStream();
        Write(buffer, AadLabel);
        Write(buffer, Encoding.UTF8.GetBytes(version.ToString(CultureInfo.InvariantCulture)));
        foreach (var (key, value) in context.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Write(buffer, Encoding.UTF8.GetBytes(key));
            Write(buffer, Encoding.UTF8.GetBytes(value));
        }

        return buffer.ToArray();

        static void Write(MemoryStream stream, byte[] bytes)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            stream.Write(length);
            stream.Write(bytes);
        }
    }

    private async Task<WrappedDataKey> EncryptAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, long version, CancellationToken cancellationToken)
    {
        var versionName = CryptoKeyName + VersionSegment + version.ToString(CultureInfo.InvariantCulture);
        var aad = AdditionalData(context, version);
        var response = await EncryptRawAsync(versionName, dataKey, aad, cancellationToken).ConfigureAwait(false);
        if (response.Name != versionName)
        {
            throw Failure($"Cloud KMS encrypted with '{response.Name}', not the requested '{versionName}'.", KeyIdOf(version));
        }

        return new WrappedDataKey(Provider, KeyIdOf(version), ResponseCiphertext(response, KeyIdOf(version)));
    }

    /// <summary>Calls encrypt and checks every integrity field of the answer.</summary>
    private async Task<KmsEncryptResponse> EncryptRawAsync(string resource, ReadOnlyMemory<byte> plaintext, byte[] aad, CancellationToken cancellationToken)
    {
        var request = new KmsEncryptRequest
        {
            Plaintext = Convert.ToBase64String(plaintext.Span),
            PlaintextCrc32c = Crc32C.Compute(plaintext.Span),
            AdditionalAuthenticatedData = Convert.ToBase64String(aad),
            AdditionalAuthenticatedDataCrc32c = Crc32C.Compute(aad),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(request, KmsJsonContext.Default.KmsEncryptRequest);
        try
        {
            var response = await SendAsync($"v1/{resource}:encrypt", body, KmsJsonContext.Default.KmsEncryptResponse, "encrypt", cancellationToken).ConfigureAwait(false);
            if (!response.VerifiedPlaintextCrc32c || !response.VerifiedAdditionalAuthenticatedDataCrc32c)
            {
                // KMS did not confirm it received what we sent (a proxy rewrote the request, or an old server ignored the fields).
                throw Failure($"Cloud KMS encrypt with '{resource}' did not verify the request's CRC32C (verifiedPlaintextCrc32c={response.VerifiedPlaintextCrc32c}, verifiedAdditionalAuthenticatedDataCrc32c={response.VerifiedAdditionalAuthenticatedDataCrc32c}); the answer was discarded.", CryptoKeyName);
            }

            return response;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    private byte[] ResponseCiphertext(KmsEncryptResponse response, string keyId)
    {
        var ciphertext = Decode(response.Ciphertext, "encrypt", "ciphertext", keyId);
        if (response.CiphertextCrc32c is not { } crc || !Crc32C.Matches(ciphertext, crc))
        {
            throw Failure($"Cloud KMS encrypt with key '{CryptoKeyName}' returned a ciphertext that fails its CRC32C check (ciphertextCrc32c); the answer was discarded.", keyId);
        }

        return ciphertext;
    }

    /// <summary>Returns the primary version: learned from the <c>name</c> of an encrypt answer on the CryptoKey (a one-byte probe).</summary>
    private async Task<long> PrimaryVersionAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        if (!forceRefresh && _primary is { } known && _time.GetUtcNow() - known.LearnedAt < PrimaryVersionRefreshInterval)
        {
            return known.Version;
        }

        await _probeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!forceRefresh && _primary is { } again && _time.GetUtcNow() - again.LearnedAt < PrimaryVersionRefreshInterval)
            {
                return again.Version;
            }

            var response = await EncryptRawAsync(CryptoKeyName, new byte[] { 0 }, AadLabel, cancellationToken).ConfigureAwait(false);
            _ = ResponseCiphertext(response, CryptoKeyName);
            var name = response.Name ?? string.Empty;
            if (!name.StartsWith(CryptoKeyName + VersionSegment, StringComparison.Ordinal)
                || !long.TryParse(name.AsSpan(CryptoKeyName.Length + VersionSegment.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw Failure($"Cloud KMS encrypt with '{CryptoKeyName}' named '{name}', which is not a version of that key.", CryptoKeyName);
            }

            _primary = (version, _time.GetUtcNow());
            return version;
        }
        finally
        {
            _probeGate.Release();
        }
    }

    private async Task<T> SendAsync<T>(string path, byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string operation, CancellationToken cancellationToken)
        where T : class =>
        await _rest.SendAsync(HttpMethod.Post, path, body, type, new BackendOperation("cryptoKeys." + operation, CryptoKeyName), cancellationToken).ConfigureAwait(false);

    private byte[] Decode(string? base64, string operation, string field, string keyId)
    {
        try
        {
            return _rest.Http.DecodeBase64(base64, new BackendOperation("cryptoKeys." + operation, CryptoKeyName), field);
        }
        catch (SecretStoreException ex)
        {
            throw Failure($"Cloud KMS {operation} with key '{CryptoKeyName}' returned no usable '{field}' ({ex.Message}).", keyId, ex);
        }
    }

    private string KeyIdOf(long version) => $"{CryptoKeyName}:v{version.ToString(CultureInfo.InvariantCulture)}";

    private bool TryParseVersion(string keyId, out long version)
    {
        version = 0;
        return keyId.StartsWith(CryptoKeyName + ":v", StringComparison.Ordinal)
            && long.TryParse(keyId.AsSpan(CryptoKeyName.Length + 2), NumberStyles.None, CultureInfo.InvariantCulture, out version)
            && version > 0;
    }

    private KeyEncryptionKeyException Failure(string message, string keyId, Exception? inner = null) =>
        new(message, inner) { ProviderId = Provider, KeyId = keyId };

    private static GcpRestClient CreateRest(Uri? endpoint, GcpCredential? credential, TimeProvider time, BackendHttpOptions http)
    {
        endpoint ??= new Uri("https://cloudkms.googleapis.com/");
        BackendHttpClientFactory.EnsureAllowedEndpoint(endpoint, http.AllowInsecureHttp, nameof(endpoint));
        var owned = credential is null ? GcpCredential.ApplicationDefault(new GcpCredentialOptions { TimeProvider = time }) : null;
        return new GcpRestClient(BackendHttpClient.Create(endpoint, "GCP Cloud KMS", "gcp-kms", http, BackendRedirectPolicy.Never, time), credential ?? owned!, owned);
    }
}
