using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Secrets.Sdk.Encryption;

/// <summary>
/// Envelope encryption that is hard to misuse: each message is encrypted under a data key (fresh, or from the opt-in
/// cache) wrapped by one or more key-encryption keys, with a per-message key and a key commitment derived by HKDF,
/// in fixed-size authenticated frames, and the encryption context bound into the header. See docs/envelope-format.md.
/// </summary>
/// <remarks>
/// Every decryption failure that could reveal something (wrong key or context, tampering, truncation, reordering,
/// splicing) throws <see cref="EnvelopeAuthenticationException"/> with one uniform message. Streaming decryption writes
/// a frame only after its tag verified; a truncated stream still throws at its end, so treat output as usable only
/// when the call returns.
/// </remarks>
public sealed class EnvelopeEncryptor : IDisposable
{
    private readonly EnvelopeEncryptorOptions _options;
    private readonly DataKeyRing _keys;

    /// <summary>Creates an encryptor whose messages are wrapped by <paramref name="keyEncryptionKey"/>.</summary>
    /// <param name="keyEncryptionKey">The KEK.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public EnvelopeEncryptor(IKeyEncryptionKey keyEncryptionKey, EnvelopeEncryptorOptions? options = null)
        : this([keyEncryptionKey], options)
    {
    }

    /// <summary>
    /// Creates an encryptor whose messages carry the data key wrapped by every KEK in <paramref name="keyEncryptionKeys"/>
    /// (the first generates it); any one of them can decrypt.
    /// </summary>
    /// <param name="keyEncryptionKeys">The KEKs, at least one.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public EnvelopeEncryptor(IEnumerable<IKeyEncryptionKey> keyEncryptionKeys, EnvelopeEncryptorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(keyEncryptionKeys);
        var keks = keyEncryptionKeys.ToArray();
        if (keks.Length == 0 || keks.Any(k => k is null))
        {
            throw new ArgumentException("At least one key-encryption key is required, and none may be null.", nameof(keyEncryptionKeys));
        }

        _options = options ?? new EnvelopeEncryptorOptions();
        _options.Validate();
        _keys = new DataKeyRing(keks, _options);
    }

    /// <summary>Gets how many KEK calls (generate, wrap, unwrap) this encryptor has made.</summary>
    public long KeyEncryptionKeyCalls => _keys.KeyEncryptionKeyCalls;

    /// <summary>Gets or sets the source of randomness for message ids (a seam for deterministic test vectors).</summary>
    internal RandomFiller RandomFill { get; set; } = RandomNumberGenerator.Fill;

    /// <summary>Encrypts <paramref name="plaintext"/> into one self-describing message.</summary>
    /// <param name="plaintext">The data.</param>
    /// <param name="context">The encryption context to bind (not secret: it is stored in the header); must be given again to decrypt.</param>
    /// <param name="cancellationToken">Cancels KEK calls.</param>
    /// <returns>The message.</returns>
    public async ValueTask<byte[]> EncryptAsync(ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        var canonical = EncryptionContext.Canonicalize(context);
        using var message = await BeginMessageAsync(canonical, plaintext.Length, cancellationToken).ConfigureAwait(false);
        var output = GC.AllocateUninitializedArray<byte>(FrameCodec.MessageLength(message.Header.Length, plaintext.Length, _options.FrameSize));
        WriteMessage(message, plaintext.Span, output);
        return output;
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into <paramref name="destination"/> without allocating the message: reuse an
    /// <see cref="ArrayBufferWriter{T}"/> (or a pooled writer) across calls for allocation-free encryption.
    /// </summary>
    /// <param name="plaintext">The data.</param>
    /// <param name="destination">Where the message is written.</param>
    /// <param name="context">The encryption context to bind.</param>
    /// <param name="cancellationToken">Cancels KEK calls.</param>
    /// <returns>The message length written.</returns>
    public async ValueTask<int> EncryptAsync(ReadOnlyMemory<byte> plaintext, IBufferWriter<byte> destination, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var canonical = EncryptionContext.Canonicalize(context);
        using var message = await BeginMessageAsync(canonical, plaintext.Length, cancellationToken).ConfigureAwait(false);
        var length = FrameCodec.MessageLength(message.Header.Length, plaintext.Length, _options.FrameSize);
        WriteMessage(message, plaintext.Span, destination.GetSpan(length)[..length]);
        destination.Advance(length);
        return length;
    }

    /// <summary>Encrypts <paramref name="input"/> to <paramref name="output"/> frame by frame, in constant memory, whatever its size.</summary>
    /// <param name="input">The plaintext stream (read to its end).</param>
    /// <param name="output">Where the message is written.</param>
    /// <param name="context">The encryption context to bind.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the whole message was written.</returns>
    public async Task EncryptAsync(Stream input, Stream output, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var canonical = EncryptionContext.Canonicalize(context);
        var length = input.CanSeek ? input.Length - input.Position : -1;
        using var message = await BeginMessageAsync(canonical, length, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(message.Header, cancellationToken).ConfigureAwait(false);
        await FrameCodec.EncryptStreamAsync(message.Cipher, _options.FrameSize, input, output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Decrypts a message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="context">The encryption context it was encrypted with.</param>
    /// <param name="cancellationToken">Cancels KEK calls.</param>
    /// <returns>The plaintext.</returns>
    /// <exception cref="EnvelopeAuthenticationException">Wrong key or context, tampering, truncation (one uniform message).</exception>
    /// <exception cref="EnvelopeFormatException">Not an envelope, or over a decrypt-policy limit (checked before any key use).</exception>
    public async ValueTask<byte[]> DecryptAsync(ReadOnlyMemory<byte> message, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        var (header, headerLength, cipher) = await OpenMessageAsync(message, context, cancellationToken).ConfigureAwait(false);
        using (cipher)
        {
            var body = message.Span[headerLength..];
            var plaintext = GC.AllocateUninitializedArray<byte>(FrameCodec.MeasureBody(body, header.FrameSize));
            FrameCodec.DecryptBody(cipher, header.FrameSize, body, plaintext);
            return plaintext;
        }
    }

    /// <summary>
    /// Decrypts a message into <paramref name="destination"/> without allocating the plaintext. Nothing is advanced unless
    /// every frame verified (a failed span is zeroed).
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="destination">Where the plaintext is written.</param>
    /// <param name="context">The encryption context it was encrypted with.</param>
    /// <param name="cancellationToken">Cancels KEK calls.</param>
    /// <returns>The plaintext length written.</returns>
    public async ValueTask<int> DecryptAsync(ReadOnlyMemory<byte> message, IBufferWriter<byte> destination, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var (header, headerLength, cipher) = await OpenMessageAsync(message, context, cancellationToken).ConfigureAwait(false);
        using (cipher)
        {
            var body = message.Span[headerLength..];
            var length = FrameCodec.MeasureBody(body, header.FrameSize);
            FrameCodec.DecryptBody(cipher, header.FrameSize, body, destination.GetSpan(length)[..length]);
            destination.Advance(length);
            return length;
        }
    }

    /// <summary>Decrypts a message stream frame by frame in constant memory; a frame is written only after its tag verified.</summary>
    /// <param name="input">The message stream.</param>
    /// <param name="output">Where plaintext is written.</param>
    /// <param name="context">The encryption context it was encrypted with.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the whole message was verified and written.</returns>
    /// <exception cref="EnvelopeAuthenticationException">Wrong key or context, tampering, truncation, trailing data.</exception>
    /// <exception cref="EnvelopeFormatException">Not an envelope, or over a decrypt-policy limit.</exception>
    public async Task DecryptAsync(Stream input, Stream output, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var canonical = EncryptionContext.Canonicalize(context);
        var policy = _options.DecryptPolicy;
        var header = await HeaderCodec.ReadAsync(new HeaderReader(input, policy.MaxHeaderBytes), policy, cancellationToken).ConfigureAwait(false);
        var (cipher, dataKey) = await OpenAsync(header, canonical, cancellationToken).ConfigureAwait(false);
        CryptographicOperations.ZeroMemory(dataKey);
        using (cipher)
        {
            await FrameCodec.DecryptStreamAsync(cipher, header.FrameSize, policy.MaxBodyBytes, input, output, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves a message to <paramref name="newKeyEncryptionKey"/> (a new KEK, or a new version of one): the data key is
    /// unwrapped with this encryptor's KEKs and wrapped again; only the header changes, the body bytes are kept as they are.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="newKeyEncryptionKey">The KEK that will wrap the data key from now on (the only one in the result).</param>
    /// <param name="cancellationToken">Cancels KEK calls.</param>
    /// <returns>The rewrapped message.</returns>
    public async ValueTask<byte[]> RewrapAsync(ReadOnlyMemory<byte> message, IKeyEncryptionKey newKeyEncryptionKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newKeyEncryptionKey);
        var (header, headerLength) = await ParseHeaderAsync(message, cancellationToken).ConfigureAwait(false);
        var (cipher, dataKey) = await OpenAsync(header, header.Context, cancellationToken).ConfigureAwait(false);
        try
        {
            using (cipher)
            {
                var wrapped = await _keys.WrapAsync(newKeyEncryptionKey, dataKey, header.Context, cancellationToken).ConfigureAwait(false);
                var authenticated = HeaderCodec.WriteAuthenticatedPart(header.Suite, header.MessageId, header.FrameSize, header.Context, [wrapped], header.Commitment);
                var body = message.Span[headerLength..];
                var output = SealHeader(cipher, authenticated, body.Length);
                body.CopyTo(output.AsSpan(output.Length - body.Length));
                return output;
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    /// <summary>Encrypts UTF-8 text and returns the message as armored text (<see cref="EnvelopeArmor"/>), for configuration files and databases.</summary>
    /// <param name="plaintext">The text.</param>
    /// <param name="context">The encryption context to bind.</param>
    /// <param name="cancellationToken">Cancels KEK calls.</param>
    /// <returns>The armored message.</returns>
    public async ValueTask<string> EncryptToTextAsync(string plaintext, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var bytes = System.Text.Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return EnvelopeArmor.Encode(await EncryptAsync(bytes, context, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Decrypts an armored message produced by <see cref="EncryptToTextAsync"/>.</summary>
    /// <param name="armored">The armored message.</param>
    /// <param name="context">The encryption context it was encrypted with.</param>
    /// <param name="cancellationToken">Cancels KEK calls.</param>
    /// <returns>The text.</returns>
    public async ValueTask<string> DecryptTextAsync(string armored, IReadOnlyDictionary<string, string>? context = null, CancellationToken cancellationToken = default)
    {
        var plaintext = await DecryptAsync(EnvelopeArmor.Decode(armored), context, cancellationToken).ConfigureAwait(false);
        try
        {
            return System.Text.Encoding.UTF8.GetString(plaintext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>Zeroes cached data keys.</summary>
    public void Dispose() => _keys.Dispose();

    private async ValueTask<MessageState> BeginMessageAsync(SortedDictionary<string, string> context, long length, CancellationToken cancellationToken)
    {
        var dataKey = new byte[DataKeyRing.DataKeySize];
        try
        {
            var wrapped = await _keys.AcquireAsync(context, length, dataKey, cancellationToken).ConfigureAwait(false);
            var messageId = new byte[EnvelopeLayout.MessageIdSize];
            RandomFill(messageId);
            var commitment = new byte[EnvelopeLayout.CommitmentSize];
            var cipher = FrameCipher.Create(_options.Suite, dataKey, messageId, commitment);
            var authenticated = HeaderCodec.WriteAuthenticatedPart(_options.Suite, messageId, _options.FrameSize, context, wrapped, commitment);
            return new MessageState(SealHeader(cipher, authenticated, bodyLength: 0), cipher);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(dataKey);
        }
    }

    private async ValueTask<(EnvelopeHeader Header, int Length)> ParseHeaderAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var array = MemoryMarshal.TryGetArray(message, out var segment) ? segment : new ArraySegment<byte>(message.ToArray());
        using var stream = new MemoryStream(array.Array!, array.Offset, array.Count, writable: false);
        var reader = new HeaderReader(stream, _options.DecryptPolicy.MaxHeaderBytes);
        var header = await HeaderCodec.ReadAsync(reader, _options.DecryptPolicy, cancellationToken).ConfigureAwait(false);
        return (header, (int)reader.Position);
    }

    /// <summary>Checks context and policy, unwraps the data key, verifies the key commitment and the header tag.</summary>
    private async ValueTask<(FrameCipher Cipher, byte[] DataKey)> OpenAsync(EnvelopeHeader header, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        if (!EncryptionContext.AreEqual(header.Context, context))
        {
            throw new EnvelopeAuthenticationException();
        }

        var dataKey = new byte[DataKeyRing.DataKeySize];
        await _keys.UnwrapAsync(header, dataKey, cancellationToken).ConfigureAwait(false); // Fills dataKey only on success.

        var commitment = new byte[EnvelopeLayout.CommitmentSize];
        var cipher = FrameCipher.Create(header.Suite, dataKey, header.MessageId, commitment);
        if (!CryptographicOperations.FixedTimeEquals(commitment, header.Commitment) || !cipher.VerifyHeaderTag(header.AuthenticatedBytes, header.Tag))
        {
            cipher.Dispose();
            CryptographicOperations.ZeroMemory(dataKey);
            throw new EnvelopeAuthenticationException();
        }

        return (cipher, dataKey);
    }

    private void WriteMessage(MessageState message, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        message.Header.CopyTo(output);
        FrameCodec.EncryptBody(message.Cipher, _options.FrameSize, plaintext, output[message.Header.Length..]);
    }

    private async ValueTask<(EnvelopeHeader Header, int HeaderLength, FrameCipher Cipher)> OpenMessageAsync(ReadOnlyMemory<byte> message, IReadOnlyDictionary<string, string>? context, CancellationToken cancellationToken)
    {
        var canonical = EncryptionContext.Canonicalize(context);
        var (header, headerLength) = await ParseHeaderAsync(message, cancellationToken).ConfigureAwait(false);
        if (message.Length - headerLength > _options.DecryptPolicy.MaxBodyBytes)
        {
            throw new EnvelopeFormatException($"The envelope body is {message.Length - headerLength} bytes, over the decrypt policy's {_options.DecryptPolicy.MaxBodyBytes}-byte limit.");
        }

        var (cipher, dataKey) = await OpenAsync(header, canonical, cancellationToken).ConfigureAwait(false);
        CryptographicOperations.ZeroMemory(dataKey);
        return (header, headerLength, cipher);
    }

    /// <summary>Returns the authenticated header part followed by its header tag, with <paramref name="bodyLength"/> bytes of room after them.</summary>
    private static byte[] SealHeader(FrameCipher cipher, byte[] authenticated, int bodyLength)
    {
        var output = new byte[authenticated.Length + EnvelopeLayout.TagSize + bodyLength];
        authenticated.CopyTo(output, 0);
        cipher.ComputeHeaderTag(authenticated, output.AsSpan(authenticated.Length, EnvelopeLayout.TagSize));
        return output;
    }

    private sealed class MessageState(byte[] header, FrameCipher cipher) : IDisposable
    {
        public byte[] Header { get; } = header;

        public FrameCipher Cipher { get; } = cipher;

        public void Dispose() => Cipher.Dispose();
    }
}
