using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Sdk.Encryption;

/// <summary>
/// A key-encryption key held by the application: a 256-bit key (or a key ring where the newest key wraps and every key
/// unwraps), wrapping data keys with AES-256-GCM bound to the key id and the encryption context. Key ids should end in
/// <c>:v{N}</c> to work with <see cref="EnvelopeDecryptPolicy.MinimumKeyVersion"/>.
/// </summary>
public sealed class LocalKeyEncryptionKey : IKeyEncryptionKey, IDisposable
{
    /// <summary>The provider id written into messages: <c>local</c>.</summary>
    public const string Provider = "local";

    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int MaxKeyFileBytes = 4096;
    private readonly List<(string Id, byte[] Key)> _ring = [];

    /// <summary>Creates a KEK from one 32-byte key.</summary>
    /// <param name="key">The key; it is copied.</param>
    /// <param name="keyId">Its id (for example <c>app-kek:v1</c>).</param>
    public LocalKeyEncryptionKey(ReadOnlySpan<byte> key, string keyId)
    {
        Add(keyId, key);
    }

    /// <summary>Creates a key ring: keys in order from oldest to newest. The newest wraps; all unwrap.</summary>
    /// <param name="ring">The (key id, key) pairs, oldest first; the keys are copied.</param>
    public LocalKeyEncryptionKey(IEnumerable<KeyValuePair<string, byte[]>> ring)
    {
        ArgumentNullException.ThrowIfNull(ring);
        foreach (var (id, key) in ring)
        {
            Add(id, key);
        }

        if (_ring.Count == 0)
        {
            throw new ArgumentException("A key ring needs at least one key.", nameof(ring));
        }
    }

    /// <inheritdoc/>
    public string ProviderId => Provider;

    /// <inheritdoc/>
    public string KeyId => _ring[^1].Id;

    /// <summary>Gets or sets the randomness used for data keys and nonces (a seam for deterministic test vectors).</summary>
    internal RandomFiller RandomFill { get; set; } = RandomNumberGenerator.Fill;

    /// <summary>
    /// Reads a key from a file holding either 32 raw bytes or their base64 (as a mounted Secret would). At most
    /// 4 KiB are read, whatever the file reports as its length.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="keyId">
    /// The key's id; <see langword="null"/> (the default) names the key by its fingerprint (<see cref="FingerprintKeyId"/>),
    /// so the same key has the same id wherever its file is mounted — the form behind <c>local:PATH</c> key URIs.
    /// </param>
    /// <returns>The KEK.</returns>
    public static LocalKeyEncryptionKey FromFile(string path, string? keyId = null)
    {
        if (keyId is null)
        {
            return FromFile(path, FingerprintKeyId);
        }

        ArgumentException.ThrowIfNullOrEmpty(keyId);
        return FromFile(path, _ => keyId);
    }

    /// <summary>
    /// Returns the id a key gets from its fingerprint: <c>local-</c> and 16 hex digits of HMAC-SHA256 over a fixed label,
    /// keyed by the key (one-way: it reveals nothing about the key, and two keys practically never share one).
    /// </summary>
    /// <param name="key">The 32-byte key.</param>
    /// <returns>The key id, for example <c>local-3f9a0c1d2b4e5f60</c>.</returns>
    public static string FingerprintKeyId(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A local key must be {KeySize} bytes (AES-256); it is {key.Length} bytes.", nameof(key));
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(key, "secrets-sdk local kek id v1"u8, mac);
        return "local-" + Convert.ToHexString(mac[..8]).ToLowerInvariant();
    }

    private static LocalKeyEncryptionKey FromFile(string path, KeyIdOf keyIdOf)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var buffer = new byte[MaxKeyFileBytes + 1];
        try
        {
            int length;
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
            {
                length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }

            if (length > MaxKeyFileBytes)
            {
                throw new FormatException($"The key file '{path}' is larger than {MaxKeyFileBytes} bytes; it should hold {KeySize} raw bytes or their base64.");
            }

            return length == KeySize
                ? new LocalKeyEncryptionKey(buffer.AsSpan(0, KeySize), keyIdOf(buffer.AsSpan(0, KeySize)))
                : FromBase64(buffer.AsSpan(0, length), $"file '{path}'", keyIdOf);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>Reads a base64 key from an environment variable.</summary>
    /// <param name="variable">The variable's name.</param>
    /// <param name="keyId">The key's id.</param>
    /// <returns>The KEK.</returns>
    public static LocalKeyEncryptionKey FromEnvironment(string variable, string keyId)
    {
        var value = Environment.GetEnvironmentVariable(variable)
            ?? throw new InvalidOperationException($"Environment variable '{variable}' is not set; it should hold a base64 256-bit key.");
        var utf8 = Encoding.UTF8.GetBytes(value);
        try
        {
            return FromBase64(utf8, $"environment variable '{variable}'", _ => keyId);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <inheritdoc/>
    public bool CanUnwrap(string providerId, string keyId) =>
        providerId == Provider && _ring.Any(k => k.Id == keyId);

    /// <inheritdoc/>
    public ValueTask<GeneratedDataKey> GenerateDataKeyAsync(int keySizeBytes, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keySizeBytes, 16);
        var dataKey = new byte[keySizeBytes];
        RandomFill(dataKey);
        return new ValueTask<GeneratedDataKey>(new GeneratedDataKey(dataKey, Wrap(dataKey, context)));
    }

    /// <inheritdoc/>
    public ValueTask<WrappedDataKey> WrapKeyAsync(ReadOnlyMemory<byte> dataKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        new(Wrap(dataKey.Span, context));

    /// <inheritdoc/>
    /// <remarks>
    /// The key id is bound into the wrap (the AES-GCM associated data holds it next to the context), so a wrapped key
    /// relabelled with another id of the ring — even one holding the same key bytes — fails to unwrap.
    /// </remarks>
    public ValueTask<UnwrappedDataKey> UnwrapAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        new(new UnwrappedDataKey(Unwrap(wrappedKey, context), wrappedKey.KeyId));

    /// <inheritdoc/>
    public ValueTask<byte[]> UnwrapKeyAsync(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken) =>
        new(Unwrap(wrappedKey, context));

    /// <summary>Zeroes every key.</summary>
    public void Dispose()
    {
        foreach (var (_, key) in _ring)
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"LocalKeyEncryptionKey({KeyId}, {_ring.Count} keys)";

    private byte[] Unwrap(WrappedDataKey wrappedKey, IReadOnlyDictionary<string, string> context)
    {
        ArgumentNullException.ThrowIfNull(wrappedKey);
        var entry = _ring.FirstOrDefault(k => k.Id == wrappedKey.KeyId);
        var blob = wrappedKey.Ciphertext.Span;
        if (entry.Key is null || wrappedKey.ProviderId != Provider || blob.Length < NonceSize + TagSize)
        {
            throw Failure(wrappedKey.KeyId);
        }

        var plaintext = new byte[blob.Length - NonceSize - TagSize];
        using var aes = new AesGcm(entry.Key, TagSize);
        try
        {
            aes.Decrypt(blob[..NonceSize], blob[NonceSize..^TagSize], blob[^TagSize..], plaintext, AssociatedData(entry.Id, context));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw Failure(wrappedKey.KeyId);
        }

        return plaintext;
    }

    private WrappedDataKey Wrap(ReadOnlySpan<byte> dataKey, IReadOnlyDictionary<string, string> context)
    {
        var (id, key) = _ring[^1];
        var blob = new byte[NonceSize + dataKey.Length + TagSize];
        RandomFill(blob.AsSpan(0, NonceSize));
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(blob.AsSpan(0, NonceSize), dataKey, blob.AsSpan(NonceSize, dataKey.Length), blob.AsSpan(NonceSize + dataKey.Length), AssociatedData(id, context));
        return new WrappedDataKey(Provider, id, blob);
    }

    private static byte[] AssociatedData(string keyId, IReadOnlyDictionary<string, string> context)
    {
        var canonical = EncryptionContext.Serialize(EncryptionContext.Canonicalize(context));
        var id = Encoding.UTF8.GetBytes("secrets-sdk local kek v1\0" + keyId + "\0");
        return [.. id, .. canonical];
    }

    private void Add(string keyId, ReadOnlySpan<byte> key)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyId);
        if (keyId.Contains('\0', StringComparison.Ordinal))
        {
            // The id is NUL-terminated in the wrap's associated data; a NUL inside it would make that encoding ambiguous.
            throw new ArgumentException("A local key id must not contain a NUL character.", nameof(keyId));
        }

        if (key.Length != KeySize)
        {
            throw new ArgumentException($"Local key '{keyId}' must be {KeySize} bytes (AES-256); it is {key.Length} bytes.", nameof(key));
        }

        if (_ring.Any(k => k.Id == keyId))
        {
            throw new ArgumentException($"Key id '{keyId}' appears twice in the key ring.", nameof(keyId));
        }

        _ring.Add((keyId, key.ToArray()));
    }

    /// <summary>Decodes base64 (surrounding whitespace ignored) without making a string of it, and zeroes the decoded copy.</summary>
    private static LocalKeyEncryptionKey FromBase64(ReadOnlySpan<byte> utf8, string where, KeyIdOf keyIdOf)
    {
        var text = utf8.Trim(" \t\r\n"u8);
        var key = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        try
        {
            if (Base64.DecodeFromUtf8(text, key, out var consumed, out var written) != OperationStatus.Done || consumed != text.Length)
            {
                throw new FormatException($"The key in {where} is neither {KeySize} raw bytes nor base64.");
            }

            return new LocalKeyEncryptionKey(key.AsSpan(0, written), keyIdOf(key.AsSpan(0, written)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private delegate string KeyIdOf(ReadOnlySpan<byte> key);

    private static KeyEncryptionKeyException Failure(string keyId) =>
        new($"The data key could not be unwrapped with local key '{keyId}'.") { ProviderId = Provider, KeyId = keyId };
}
