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
/// <remarks>https://developer.hashicorp.com/vault/api-docs/secret/transit.</remarks>
public sealed class VaultTransitKeyEncryptionKey : IKeyEncryptionKey, IAsyncDisposable
{
    /// <summary>The provider id written into envelope messages: <c>vault-transit</c>.</summary>
    public const string Provider = "vault-transit";

    private readonly VaultConnection _connection;
    private readonly string _mount;
    private readonly string _key;

    /// <summary>Creates the KEK.</summary>
    /// <param name="options">Address, authentication and key name.</param>
    public VaultTransitKeyEncryptionKey(VaultTransitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.KeyName);
        var address = options.Address ?? throw new ArgumentException("Vault's Address is required.", nameof(options));
        if (address.Scheme == Uri.UriSchemeHttp && !options.AllowInsecureHttp && !VaultSourceOptions.IsLoopback(address))
        {
            throw new ArgumentException($"Vault address {address} uses plain HTTP to a non-loopback host.", nameof(options));
        }

        var authentication = options.Authentication ?? throw new ArgumentException("Vault Authentication is required.", nameof(options));
        _connection = VaultConnection.Create(address, options.Namespace, options.Tls, authentication, new SecretLeaseOptions(), options.TimeProvider, NullLogger.Instance);
        _mount = options.Mount.Trim('/');
        _key = options.KeyName;
    }

    /// <inheritdoc/>
    public string ProviderId => Provider;

    /// <inheritdoc/>
    public string KeyId => $"{_mount}/{_key}";

    /// <inheritdoc/>
    public bool CanUnwrap(string providerId, string keyId) =>
        providerId == Provider && (keyId == KeyId || keyId.StartsWith(KeyId + ":v", StringComparison.Ordinal));

    /// <inheritdoc/>
    public async ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Count == 0)
        {
            var body = VaultClient.Json(new VaultTransitRequest { Bits = keySizeBytes * 8 }, VaultJsonContext.Default.VaultTransitRequest);
            var response = await SendAsync($"datakey/plaintext/{_key}", body, cancellationToken).ConfigureAwait(false);
            var plaintext = Convert.FromBase64String(response.Plaintext ?? throw Missing("plaintext"));
            return new GeneratedDataKey(plaintext, Wrapped(response));
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
        var body = VaultClient.Json(new VaultTransitRequest { Plaintext = Convert.ToBase64String(dataKey.Span), AssociatedData = AssociatedData(context) }, VaultJsonContext.Default.VaultTransitRequest);
        return Wrapped(await SendAsync($"encrypt/{_key}", body, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public async ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        var body = VaultClient.Json(new VaultTransitRequest { Ciphertext = Encoding.UTF8.GetString(wrappedKey.Ciphertext.Span), AssociatedData = AssociatedData(context) }, VaultJsonContext.Default.VaultTransitRequest);
        try
        {
            var response = await SendAsync($"decrypt/{_key}", body, cancellationToken).ConfigureAwait(false);
            return Convert.FromBase64String(response.Plaintext ?? throw Missing("plaintext"));
        }
        catch (SecretStoreException ex) when (ex.Kind == SecretErrorKind.InvalidRequest)
        {
            // Wrong context, tampered ciphertext, or a version below min_decryption_version: Vault refuses with 400.
            throw new KeyEncryptionKeyException($"Vault Transit key '{KeyId}' refused to unwrap the data key ({ex.ErrorCode}).", ex) { ProviderId = Provider, KeyId = wrappedKey.KeyId };
        }
    }

    /// <summary>Moves a wrapped data key to the newest version of the Transit key without exposing it (<c>transit/rewrap</c>).</summary>
    /// <param name="wrappedKey">The wrapped key.</param>
    /// <param name="context">The encryption context it is bound to.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The key wrapped under the newest version.</returns>
    public async ValueTask<WrappedDataKey> RewrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        var body = VaultClient.Json(new VaultTransitRequest { Ciphertext = Encoding.UTF8.GetString(wrappedKey.Ciphertext.Span), AssociatedData = AssociatedData(context) }, VaultJsonContext.Default.VaultTransitRequest);
        return Wrapped(await SendAsync($"rewrap/{_key}", body, cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<VaultTransitData> SendAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        var response = await _connection.Client.SendAsync(HttpMethod.Post, $"{_mount}/{operation}", body, VaultJsonContext.Default.VaultTransitResponse, cancellationToken).ConfigureAwait(false);
        return response?.Data ?? throw Missing("data");
    }

    private WrappedDataKey Wrapped(VaultTransitData data)
    {
        var ciphertext = data.Ciphertext ?? throw Missing("ciphertext");
        return new WrappedDataKey(Provider, $"{KeyId}:v{data.KeyVersion}", Encoding.UTF8.GetBytes(ciphertext));
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
