using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.Metrics;
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
    private const int DataKeySize = 32;
    private static readonly Meter Meter = new("Secrets.Sdk");
    private static readonly Counter<long> KekCalls = Meter.CreateCounter<long>("secrets.envelope.kek.calls", description: "Key-encryption-key calls (generate, wrap, unwrap) made by envelope encryption.");
    private readonly IKeyEncryptionKey[] _keks;
    private readonly EnvelopeEncryptorOptions _options;
    private readonly DataKeyCache? _cache;
    private long _kekCallCount;

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
        _keks = keyEncryptionKeys.ToArray();
        if (_keks.Length == 0 || _keks.Any(k => k is null))
        {
            throw new ArgumentException("At least one key-encryption key is required, and none may be null.", nameof(keyEncryptionKeys));
        }

        _options = options ?? new EnvelopeEncryptorOptions();
        _options.Validate();
        if (_options.DataKeyCache is { } cacheOptions)
        {
            _cache = new DataKeyCache(cacheOptions, _options.TimeProvider);
        }
    }

    /// <summary>Gets how many KEK calls (generate, wrap, unwrap) this encryptor has made.</summary>
    public long KeyEncryptionKeyCalls => Interlocked.Read(ref _kekCallCount);

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
        var output = GC.AllocateUninitializedArray<byte>(MessageLength(message.Header.Length, plaintext.Length));
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
        var length = MessageLength(message.Header.Length, plaintext.Length);
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
        var frameSize = _options.FrameSize;
        var pending = ArrayPool<byte>.Shared.Rent(frameSize);
        var next = ArrayPool<byte>.Shared.Rent(frameSize);
        var frame = ArrayPool<byte>.Shared.Rent(1 + 4 + frameSize + EnvelopeFormat.TagSize);
        try
        {
            var pendingLength = await ReadFullAsync(input, pending.AsMemory(0, frameSize), cancellationToken).ConfigureAwait(false);
            uint sequence = 1;
            while (pendingLength == frameSize)
            {
                var nextLength = await ReadFullAsync(input, next.AsMemory(0, frameSize), cancellationToken).ConfigureAwait(false);
                if (nextLength == 0)
                {
                    break; // The pending full frame is the final one.
                }

                frame[0] = EnvelopeFormat.RegularFrame;
                message.Cipher.EncryptFrame(sequence, EnvelopeFormat.RegularFrame, pending.AsSpan(0, frameSize), frame.AsSpan(1, frameSize), frame.AsSpan(1 + frameSize, EnvelopeFormat.TagSize));
                await output.WriteAsync(frame.AsMemory(0, 1 + frameSize + EnvelopeFormat.TagSize), cancellationToken).ConfigureAwait(false);
                sequence = sequence == uint.MaxValue ? throw new InvalidOperationException("The stream is too long for this frame size.") : sequence + 1;
                (pending, next) = (next, pending);
                pendingLength = nextLength;
            }

            var written = WriteFinalFrame(message.Cipher, sequence, pending.AsSpan(0, pendingLength), frame);
            await output.WriteAsync(frame.AsMemory(0, written), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pending);
            CryptographicOperations.ZeroMemory(next);
            ArrayPool<byte>.Shared.Return(pending);
            ArrayPool<byte>.Shared.Return(next);
            ArrayPool<byte>.Shared.Return(frame);
        }
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
            var plaintext = GC.AllocateUninitializedArray<byte>(MeasureBody(body, header.FrameSize));
            DecryptFrames(cipher, header.FrameSize, body, plaintext);
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
            var length = MeasureBody(body, header.FrameSize);
            DecryptFrames(cipher, header.FrameSize, body, destination.GetSpan(length)[..length]);
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
        var header = await EnvelopeFormat.ReadAsync(new HeaderReader(input, policy.MaxHeaderBytes), policy, cancellationToken).ConfigureAwait(false);
        var (cipher, dataKey) = await OpenAsync(header, canonical, cancellationToken).ConfigureAwait(false);
        CryptographicOperations.ZeroMemory(dataKey);
        var frameSize = header.FrameSize;
        var frame = ArrayPool<byte>.Shared.Rent(4 + frameSize + EnvelopeFormat.TagSize);
        var plaintext = ArrayPool<byte>.Shared.Rent(frameSize);
        try
        {
            using (cipher)
            {
                uint sequence = 1;
                long body = 0;
                while (true)
                {
                    if (await ReadFullAsync(input, frame.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) == 0)
                    {
                        throw new EnvelopeAuthenticationException(); // Ended without a final frame: truncated.
                    }

                    var type = frame[0];
                    int length;
                    if (type == EnvelopeFormat.RegularFrame)
                    {
                        length = frameSize;
                    }
                    else if (type == EnvelopeFormat.FinalFrame)
                    {
                        await ReadExactlyOrFailAsync(input, frame.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
                        var declared = BinaryPrimitives.ReadUInt32BigEndian(frame);
                        length = declared <= (uint)frameSize ? (int)declared : throw new EnvelopeAuthenticationException();
                    }
                    else
                    {
                        throw new EnvelopeAuthenticationException();
                    }

                    body += length + EnvelopeFormat.TagSize;
                    if (body > policy.MaxBodyBytes)
                    {
                        throw new EnvelopeFormatException($"The envelope body exceeds the decrypt policy's {policy.MaxBodyBytes}-byte limit.");
                    }

                    await ReadExactlyOrFailAsync(input, frame.AsMemory(0, length + EnvelopeFormat.TagSize), cancellationToken).ConfigureAwait(false);
                    if (!cipher.TryDecryptFrame(sequence, type, frame.AsSpan(0, length), frame.AsSpan(length, EnvelopeFormat.TagSize), plaintext.AsSpan(0, length)))
                    {
                        throw new EnvelopeAuthenticationException();
                    }

                    await output.WriteAsync(plaintext.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                    if (type == EnvelopeFormat.FinalFrame)
                    {
                        if (await ReadFullAsync(input, frame.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) != 0)
                        {
                            throw new EnvelopeAuthenticationException(); // Bytes after the final frame.
                        }

                        return;
                    }

                    sequence = sequence == uint.MaxValue ? throw new EnvelopeAuthenticationException() : sequence + 1;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            ArrayPool<byte>.Shared.Return(plaintext);
            ArrayPool<byte>.Shared.Return(frame);
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
                var wrapped = await newKeyEncryptionKey.WrapKeyAsync(dataKey, header.Context, cancellationToken).ConfigureAwait(false);
                CountKekCall("wrap", newKeyEncryptionKey);
                var authenticated = EnvelopeFormat.WriteAuthenticatedPart(header.Suite, header.MessageId, header.FrameSize, header.Context, [wrapped], header.Commitment);
                var body = message.Span[headerLength..];
                var output = new byte[authenticated.Length + EnvelopeFormat.TagSize + body.Length];
                authenticated.CopyTo(output, 0);
                cipher.ComputeHeaderTag(authenticated, output.AsSpan(authenticated.Length, EnvelopeFormat.TagSize));
                body.CopyTo(output.AsSpan(authenticated.Length + EnvelopeFormat.TagSize));
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
    public void Dispose() => _cache?.Dispose();

    private async ValueTask<MessageState> BeginMessageAsync(SortedDictionary<string, string> context, long length, CancellationToken cancellationToken)
    {
        var dataKey = new byte[DataKeySize];
        try
        {
            IReadOnlyList<WrappedDataKey>? wrapped = null;
            string? cacheKey = null;
            if (_cache is not null && length >= 0)
            {
                cacheKey = EncryptionContext.CacheKey(context);
                wrapped = _cache.TryUse(cacheKey, length, dataKey);
            }

            if (wrapped is null)
            {
                var list = new List<WrappedDataKey>(_keks.Length);
                using (var generated = await _keks[0].GenerateDataKeyAsync(DataKeySize, context, cancellationToken).ConfigureAwait(false))
                {
                    CountKekCall("generate", _keks[0]);
                    if (generated.Plaintext.Length != DataKeySize)
                    {
                        throw new KeyEncryptionKeyException($"Key-encryption key '{_keks[0].KeyId}' returned a {generated.Plaintext.Length}-byte data key; {DataKeySize} bytes are required.");
                    }

                    generated.Plaintext.CopyTo(dataKey);
                    list.Add(generated.Wrapped);
                }

                for (var i = 1; i < _keks.Length; i++)
                {
                    list.Add(await _keks[i].WrapKeyAsync(dataKey, context, cancellationToken).ConfigureAwait(false));
                    CountKekCall("wrap", _keks[i]);
                }

                wrapped = list;
                if (cacheKey is not null)
                {
                    _cache!.Add(cacheKey, dataKey, wrapped, length);
                }
            }

            var messageId = new byte[EnvelopeFormat.MessageIdSize];
            RandomFill(messageId);
            var commitment = new byte[EnvelopeFormat.CommitmentSize];
            var cipher = FrameCipher.Create(_options.Suite, dataKey, messageId, commitment);
            var authenticated = EnvelopeFormat.WriteAuthenticatedPart(_options.Suite, messageId, _options.FrameSize, context, wrapped, commitment);
            var header = new byte[authenticated.Length + EnvelopeFormat.TagSize];
            authenticated.CopyTo(header, 0);
            cipher.ComputeHeaderTag(authenticated, header.AsSpan(authenticated.Length));
            return new MessageState(header, cipher);
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
        var header = await EnvelopeFormat.ReadAsync(reader, _options.DecryptPolicy, cancellationToken).ConfigureAwait(false);
        return (header, (int)reader.Position);
    }

    /// <summary>Checks context and policy, unwraps the data key, verifies the key commitment and the header tag.</summary>
    private async ValueTask<(FrameCipher Cipher, byte[] DataKey)> OpenAsync(EnvelopeHeader header, IReadOnlyDictionary<string, string> context, CancellationToken cancellationToken)
    {
        if (!EncryptionContext.AreEqual(header.Context, context))
        {
            throw new EnvelopeAuthenticationException();
        }

        var policy = _options.DecryptPolicy;
        // A first pass on the claimed key ids spares KEK calls for keys the policy refuses anyway; the policy is enforced
        // again on the key id each KEK verified (TryUnwrapAsync), since the claims are not authenticated yet.
        var candidates = header.WrappedKeys.Where(w => policy.Allows(w.KeyId)).ToArray();
        if (candidates.Length == 0)
        {
            throw new EnvelopeFormatException($"None of the envelope's wrapped data keys ({string.Join(", ", header.WrappedKeys.Select(w => w.ProviderId + ":" + w.KeyId))}) is allowed by the decrypt policy.");
        }

        var dataKey = new byte[DataKeySize];
        var contextKey = _cache is null ? null : EncryptionContext.CacheKey(header.Context);
        if (!await TryUnwrapAsync(candidates, header.Context, contextKey, dataKey, cancellationToken).ConfigureAwait(false))
        {
            throw new EnvelopeAuthenticationException();
        }

        var commitment = new byte[EnvelopeFormat.CommitmentSize];
        var cipher = FrameCipher.Create(header.Suite, dataKey, header.MessageId, commitment);
        if (!CryptographicOperations.FixedTimeEquals(commitment, header.Commitment) || !cipher.VerifyHeaderTag(header.AuthenticatedBytes, header.Tag))
        {
            cipher.Dispose();
            CryptographicOperations.ZeroMemory(dataKey);
            throw new EnvelopeAuthenticationException();
        }

        return (cipher, dataKey);
    }

    private async ValueTask<bool> TryUnwrapAsync(WrappedDataKey[] candidates, IReadOnlyDictionary<string, string> context, string? contextKey, byte[] dataKey, CancellationToken cancellationToken)
    {
        foreach (var wrapped in candidates)
        {
            var cacheKey = contextKey is null ? null : $"{wrapped.ProviderId}\n{wrapped.KeyId}\n{Convert.ToBase64String(wrapped.Ciphertext.Span)}\n{contextKey}";
            if (cacheKey is not null && _cache!.TryGetUnwrapped(cacheKey, dataKey))
            {
                return true;
            }

            foreach (var kek in _keks.Where(k => k.CanUnwrap(wrapped.ProviderId, wrapped.KeyId)))
            {
                UnwrappedDataKey unwrapped;
                try
                {
                    unwrapped = await kek.UnwrapAsync(wrapped, context, cancellationToken).ConfigureAwait(false);
                    CountKekCall("unwrap", kek);
                }
                catch (KeyEncryptionKeyException)
                {
                    CountKekCall("unwrap", kek);
                    continue; // Not this key, relabelled or tampered: try the next; all failing is one uniform error.
                }

                using (unwrapped)
                {
                    if (unwrapped.Plaintext.Length != DataKeySize || !IsVerifiedAndAllowed(unwrapped, wrapped.KeyId))
                    {
                        continue;
                    }

                    unwrapped.Plaintext.CopyTo(dataKey);
                    if (cacheKey is not null)
                    {
                        _cache!.AddUnwrapped(cacheKey, dataKey);
                    }

                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a KEK's answer may be used: the key id it verified is the one the message claims, and the decrypt policy
    /// allows it. An unverified answer (a KEK with only <see cref="IKeyEncryptionKey.UnwrapKeyAsync"/>) is refused when the
    /// policy restricts key ids or versions, since the policy could not be enforced on it.
    /// </summary>
    private bool IsVerifiedAndAllowed(UnwrappedDataKey unwrapped, string claimedKeyId)
    {
        var policy = _options.DecryptPolicy;
        if (!string.Equals(unwrapped.KeyId, claimedKeyId, StringComparison.Ordinal))
        {
            return false;
        }

        return unwrapped.IsKeyIdVerified ? policy.Allows(unwrapped.KeyId) : !policy.RestrictsKeys;
    }

    private int MessageLength(int headerLength, int plaintextLength)
    {
        var frameSize = _options.FrameSize;
        var regular = plaintextLength == 0 ? 0 : (plaintextLength - 1) / frameSize;
        var finalLength = plaintextLength - (regular * frameSize);
        return checked((int)(headerLength + ((long)regular * (1 + frameSize + EnvelopeFormat.TagSize)) + 1 + 4 + finalLength + EnvelopeFormat.TagSize));
    }

    private void WriteMessage(MessageState message, ReadOnlySpan<byte> source, Span<byte> output)
    {
        var frameSize = _options.FrameSize;
        var regular = source.Length == 0 ? 0 : (source.Length - 1) / frameSize;
        message.Header.CopyTo(output);
        var position = message.Header.Length;
        for (var i = 0; i < regular; i++)
        {
            output[position] = EnvelopeFormat.RegularFrame;
            message.Cipher.EncryptFrame((uint)(i + 1), EnvelopeFormat.RegularFrame, source.Slice(i * frameSize, frameSize), output.Slice(position + 1, frameSize), output.Slice(position + 1 + frameSize, EnvelopeFormat.TagSize));
            position += 1 + frameSize + EnvelopeFormat.TagSize;
        }

        WriteFinalFrame(message.Cipher, (uint)(regular + 1), source[(regular * frameSize)..], output[position..]);
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

    /// <summary>Decrypts every frame of a measured body into <paramref name="plaintext"/>; zeroes it and throws on the first bad tag.</summary>
    private static void DecryptFrames(FrameCipher cipher, int frameSize, ReadOnlySpan<byte> body, Span<byte> plaintext)
    {
        var position = 0;
        var written = 0;
        uint sequence = 1;
        while (true)
        {
            var type = body[position];
            var length = type == EnvelopeFormat.RegularFrame ? frameSize : (int)BinaryPrimitives.ReadUInt32BigEndian(body[(position + 1)..]);
            var start = position + (type == EnvelopeFormat.RegularFrame ? 1 : 5);
            if (!cipher.TryDecryptFrame(sequence, type, body.Slice(start, length), body.Slice(start + length, EnvelopeFormat.TagSize), plaintext.Slice(written, length)))
            {
                CryptographicOperations.ZeroMemory(plaintext);
                throw new EnvelopeAuthenticationException();
            }

            written += length;
            position = start + length + EnvelopeFormat.TagSize;
            if (type == EnvelopeFormat.FinalFrame)
            {
                return;
            }

            sequence++;
        }
    }

    private static int WriteFinalFrame(FrameCipher cipher, uint sequence, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        destination[0] = EnvelopeFormat.FinalFrame;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)plaintext.Length);
        cipher.EncryptFrame(sequence, EnvelopeFormat.FinalFrame, plaintext, destination.Slice(5, plaintext.Length), destination.Slice(5 + plaintext.Length, EnvelopeFormat.TagSize));
        return 5 + plaintext.Length + EnvelopeFormat.TagSize;
    }

    /// <summary>Walks the frame structure (no decryption) and returns the plaintext length; malformed structure is an authentication failure.</summary>
    private static int MeasureBody(ReadOnlySpan<byte> body, int frameSize)
    {
        long position = 0;
        long plaintext = 0;
        while (true)
        {
            if (position >= body.Length)
            {
                throw new EnvelopeAuthenticationException(); // No final frame.
            }

            var type = body[(int)position];
            long length;
            long headerSize;
            if (type == EnvelopeFormat.RegularFrame)
            {
                length = frameSize;
                headerSize = 1;
            }
            else if (type == EnvelopeFormat.FinalFrame && position + 5 <= body.Length)
            {
                length = BinaryPrimitives.ReadUInt32BigEndian(body[(int)(position + 1)..]);
                headerSize = 5;
                if (length > frameSize)
                {
                    throw new EnvelopeAuthenticationException();
                }
            }
            else
            {
                throw new EnvelopeAuthenticationException();
            }

            position += headerSize + length + EnvelopeFormat.TagSize;
            plaintext += length;
            if (position > body.Length)
            {
                throw new EnvelopeAuthenticationException(); // Cut mid-frame.
            }

            if (type == EnvelopeFormat.FinalFrame)
            {
                return position == body.Length ? checked((int)plaintext) : throw new EnvelopeAuthenticationException(); // Trailing bytes.
            }
        }
    }

    private static async ValueTask<int> ReadFullAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private static async ValueTask ReadExactlyOrFailAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (await ReadFullAsync(stream, buffer, cancellationToken).ConfigureAwait(false) != buffer.Length)
        {
            throw new EnvelopeAuthenticationException(); // Cut mid-frame.
        }
    }

    private void CountKekCall(string operation, IKeyEncryptionKey kek)
    {
        Interlocked.Increment(ref _kekCallCount);
        KekCalls.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("provider", kek.ProviderId));
    }

    private sealed class MessageState(byte[] header, FrameCipher cipher) : IDisposable
    {
        public byte[] Header { get; } = header;

        public FrameCipher Cipher { get; } = cipher;

        public void Dispose() => Cipher.Dispose();
    }
}
