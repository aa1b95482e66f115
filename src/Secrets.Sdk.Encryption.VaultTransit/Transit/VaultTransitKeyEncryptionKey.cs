using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Sdk.Vault;

/// <summary>
/// A key-encryption key held by Vault Transit: data keys are wrapped with <c>transit/encrypt</c> (the encryption context
/// bound as <c>associated_data</c>), unwrapped with <c>transit/decrypt</c>, generated with
/// <c>transit/datakey/plaintext</c> when there is no context, and moved to the newest key version with
/// <c>transit/rewrap</c>. The <c>vault:vN:</c> version stays in the ciphertext and in the key id (<c>{mount}/{key}:vN</c>),
/// so key rotation and <c>min_decryption_version</c> work.
/// </summary>
/// <remarks>
/// A message's key id is checked against the version in the ciphertext it carries before Vault is asked to decrypt, and
/// that version is only reported as verified once Vault decrypted it (Vault selects the key version by the prefix), so a
/// <c>vault:v1:</c> ciphertext relabelled as <c>:v2</c> in a message is refused rather than passing a
/// <c>MinimumKeyVersion = 2</c> policy. https://developer.hashicorp.com/vault/api-docs/secret/transit.
/// </remarks>
public sealed class VaultTransitKeyEncryptionKey : IKeyEncryptionKey, IAsyncDisposable
{
    /// <summary>The provider id written into envelope messages: <c>vault-transit</c>.</summary>
    public const string Provider = "vault-transit";

    private readonly VaultConnection _connection;
    private readonly string _mount;
    private readonly string _key;

    /// <summary>Creates the KEK.</summary>
    /// <param name="options">Address, authentication and key name; unset address, namespace, token and CA come from the environment.</param>
    public VaultTransitKeyEncryptionKey(VaultTransitOptions options)
        : this(options, environment: null)
    {
    }

    /// <summary>
    /// Creates the KEK, reading environment defaults through <paramref name="environment"/> and renewing its token with
    /// <paramref name="tokenRenewal"/> (seams for tests).
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="environment">Reads an environment variable; <see langword="null"/> for the process environment.</param>
    /// <param name="tokenRenewal">When the token is renewed and replaced; <see langword="null"/> for the defaults.</param>
    internal VaultTransitKeyEncryptionKey(VaultTransitOptions options, Func<string, string?>? environment, VaultTokenRenewalOptions? tokenRenewal = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.KeyName))
        {
            throw new ArgumentException("The Vault Transit KeyName is not set.", nameof(options));
        }

        VaultEndpoint.ApplyEnvironmentDefaults(options, environment);
        VaultEndpoint.Validate(options);
        var logger = options.LoggerFactory?.CreateLogger("Secrets.Sdk.Vault") ?? NullLogger.Instance;
        _connection = VaultConnection.Create(options, tokenRenewal ?? new VaultTokenRenewalOptions(), options.TimeProvider, logger);
        _mount = options.Mount.Trim('/');
        _key = options.KeyName;
    }

    /// <inheritdoc/>
    public string ProviderId => Provider;

    /// <inheritdoc/>
    public string KeyId => $"{_mount}/{_key}";

    /// <inheritdoc/>
    public bool CanUnwrap(string providerId, string keyId) =>
        providerId == Provider && keyId.StartsWith(KeyId + ":v", StringComparison.Ordinal);

    /// <inheritdoc/>
    public async ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Count == 0)
        {
            var body = VaultClient.Json(new VaultTransitRequest { Bits = keySizeBytes * 8 }, VaultTransitJsonContext.Default.VaultTransitRequest);
            var response = await SendAsync($"datakey/plaintext/{_key}", body, cancellationToken).ConfigureAwait(false);
            var plaintext = DecodePlaintext(response.Plaintext ?? throw Missing("plaintext"));
            try
            {
                return new GeneratedDataKey(plaintext, Wrapped(response));
            }
            catch
            {
                CryptographicOperations.ZeroMemory(plaintext);
                throw;
            }
        }

        var dataKey = RandomNumberGenerator.GetBytes(keySizeBytes);
        try
        {
            return new GeneratedDataKey(dataKey, await WrapKeyAsync(dataKey, context, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            CryptographicOperations.ZeroMemory(dataKey);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        var body = VaultClient.Json(new VaultTransitRequest { Plaintext = Convert.ToBase64String(dataKey.Span), AssociatedData = AssociatedData(context) }, VaultTransitJsonContext.Default.VaultTransitRequest);
        return Wrapped(await SendAsync($"encrypt/{_key}", body, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        var ciphertext = VerifiedCiphertext(wrappedKey);
        var body = VaultClient.Json(new VaultTransitRequest { Ciphertext = ciphertext, AssociatedData = AssociatedData(context) }, VaultTransitJsonContext.Default.VaultTransitRequest);
        VaultTransitData response;
        try
        {
            response = await SendAsync($"decrypt/{_key}", body, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.InvalidRequest)
        {
            // Wrong context, tampered ciphertext, or a version below min_decryption_version: Vault refuses with 400.
            throw new KeyEncryptionKeyException($"Vault Transit key '{KeyId}' refused to unwrap the data key ({ex.ErrorCode}).", ex) { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        return new UnwrappedDataKey(DecodePlaintext(response.Plaintext ?? throw Missing("plaintext")), wrappedKey.KeyId);
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        using var unwrapped = await UnwrapAsync(wrappedKey, context, cancellationToken).ConfigureAwait(false);
        return unwrapped.Plaintext.ToArray();
    }

    /// <summary>Moves a wrapped data key to the newest version of the Transit key without exposing it (<c>transit/rewrap</c>).</summary>
    /// <param name="wrappedKey">The wrapped key.</param>
    /// <param name="context">The encryption context it is bound to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key wrapped under the newest version.</returns>
    public async ValueTask<WrappedDataKey> RewrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        var body = VaultClient.Json(new VaultTransitRequest { Ciphertext = VerifiedCiphertext(wrappedKey), AssociatedData = AssociatedData(context) }, VaultTransitJsonContext.Default.VaultTransitRequest);
        return Wrapped(await SendAsync($"rewrap/{_key}", body, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<VaultTransitData> SendAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        var response = await _connection.Client.SendAsync(HttpMethod.Post, $"{_mount}/{operation}", body, VaultTransitJsonContext.Default.VaultTransitResponse, cancellationToken).ConfigureAwait(false);
        return response?.Data ?? throw Missing("data");
    }

    /// <summary>
    /// The wrapped key's ciphertext, after checking that the version in its <c>vault:vN:</c> prefix is the one its key id
    /// claims (the claim is not authenticated; the prefix is, by Vault's decryption).
    /// </summary>
    private string VerifiedCiphertext(WrappedDataKey wrappedKey)
    {
        if (wrappedKey.ProviderId != Provider || !wrappedKey.KeyId.StartsWith(KeyId + ":v", StringComparison.Ordinal))
        {
            throw new KeyEncryptionKeyException($"Vault Transit key '{KeyId}' cannot unwrap a data key of '{wrappedKey.ProviderId}' key '{wrappedKey.KeyId}'.") { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        var ciphertext = Encoding.UTF8.GetString(wrappedKey.Ciphertext.Span);
        if (TransitCiphertext.Version(ciphertext) is not { } version)
        {
            throw new KeyEncryptionKeyException($"The data key of Vault Transit key '{wrappedKey.KeyId}' is not a Transit ciphertext (no 'vault:vN:' prefix).") { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        var actual = VersionedKeyId(version);
        if (!string.Equals(actual, wrappedKey.KeyId, StringComparison.Ordinal))
        {
            throw new KeyEncryptionKeyException($"The data key labelled with Vault Transit key '{wrappedKey.KeyId}' was wrapped by '{actual}'; the message's key id does not match its ciphertext.") { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }

        return ciphertext;
    }

    private WrappedDataKey Wrapped(VaultTransitData data)
    {
        var ciphertext = data.Ciphertext ?? throw Missing("ciphertext");
        var version = TransitCiphertext.Version(ciphertext)
            ?? throw new SecretStoreException($"Vault Transit '{KeyId}' answered with a ciphertext without a 'vault:vN:' prefix.", SecretErrorKind.InvalidResponse, _connection.Client.Name);
        if (data.KeyVersion != 0 && data.KeyVersion != version)
        {
            throw new SecretStoreException($"Vault Transit '{KeyId}' answered key_version {data.KeyVersion} with a version {version} ciphertext.", SecretErrorKind.InvalidResponse, _connection.Client.Name);
        }

        return new WrappedDataKey(Provider, VersionedKeyId(version), Encoding.UTF8.GetBytes(ciphertext));
    }

    private string VersionedKeyId(int version) => string.Create(CultureInfo.InvariantCulture, $"{KeyId}:v{version}");

    private byte[] DecodePlaintext(string plaintext)
    {
        try
        {
            return Convert.FromBase64String(plaintext);
        }
        catch (FormatException)
        {
            throw new SecretStoreException($"Vault Transit '{KeyId}' answered with a 'plaintext' that is not base64.", SecretErrorKind.InvalidResponse, _connection.Client.Name);
        }
    }

    private SecretStoreException Missing(string field) =>
        new($"Vault Transit '{KeyId}' answered without '{field}'.", SecretErrorKind.InvalidResponse, _connection.Client.Name);

    /// <summary>The canonical context (sorted, length-prefixed UTF-8) as base64, or null when empty.</summary>
    private static string? AssociatedData(IReadOnlyDictionary<string, string> context)
    {
        if (context.Count == 0)
        {
            return null;
        }

        var builder = new StringBuilder();
        foreach (var (key, value) in context.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            builder.Append(key.Length).Append(':').Append(key).Append(value.Length).Append(':').Append(value);
        }

        return Convert.ToBase64String(Encoding.UTF8.GetBytes(builder.ToString()));
    }
}
