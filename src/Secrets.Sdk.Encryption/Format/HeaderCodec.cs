using System.Buffers.Binary;
using System.Text;

namespace Secrets.Sdk.Encryption;

/// <summary>
/// Serializes and parses the envelope header (see docs/envelope-format.md, "Header"; sizes in <see cref="EnvelopeLayout"/>). Parsing checks every length against the
/// decrypt policy before allocating, and before any key-encryption key is called.
/// </summary>
internal static class HeaderCodec
{
    /// <summary>Writes the header up to and including the commitment; the tag is appended by the caller.</summary>
    public static byte[] WriteAuthenticatedPart(EnvelopeSuite suite, ReadOnlySpan<byte> messageId, int frameSize, SortedDictionary<string, string> context, IReadOnlyList<WrappedDataKey> wrappedKeys, ReadOnlySpan<byte> commitment)
    {
        using var stream = new MemoryStream();
        stream.Write(EnvelopeLayout.Magic);
        stream.WriteByte(EnvelopeLayout.Version);
        stream.WriteByte((byte)suite);
        stream.Write(messageId);
        WriteUInt32(stream, (uint)frameSize);
        WriteUInt16(stream, checked((ushort)context.Count));
        foreach (var (key, value) in context)
        {
            WriteString16(stream, key);
            WriteString16(stream, value);
        }

        WriteUInt16(stream, checked((ushort)wrappedKeys.Count));
        foreach (var wrapped in wrappedKeys)
        {
            var provider = Encoding.UTF8.GetBytes(wrapped.ProviderId);
            if (provider.Length is 0 or > byte.MaxValue)
            {
                throw new ArgumentException($"KEK provider id '{wrapped.ProviderId}' must be 1 to 255 UTF-8 bytes.");
            }

            stream.WriteByte((byte)provider.Length);
            stream.Write(provider);
            WriteString16(stream, wrapped.KeyId);
            WriteUInt16(stream, checked((ushort)wrapped.Ciphertext.Length));
            stream.Write(wrapped.Ciphertext.Span);
        }

        stream.Write(commitment);
        return stream.ToArray();
    }

    /// <summary>Reads and checks a header from <paramref name="reader"/>. Throws <see cref="EnvelopeFormatException"/> for format and policy violations.</summary>
    public static async ValueTask<EnvelopeHeader> ReadAsync(HeaderReader reader, EnvelopeDecryptPolicy policy, CancellationToken cancellationToken)
    {
        var fixedPart = await reader.ReadAsync(EnvelopeLayout.FixedHeaderSize, cancellationToken).ConfigureAwait(false);
        if (!fixedPart.AsSpan(0, EnvelopeLayout.MagicSize).SequenceEqual(EnvelopeLayout.Magic))
        {
            throw new EnvelopeFormatException("Not an envelope message: the first 4 bytes are not the 'SSEV' magic.");
        }

        var version = fixedPart[EnvelopeLayout.VersionOffset];
        if (version != EnvelopeLayout.Version)
        {
            throw new EnvelopeFormatException($"Unsupported envelope format version {version}; this library reads version {EnvelopeLayout.Version}.");
        }

        var suiteId = fixedPart[EnvelopeLayout.SuiteIdOffset];
        var suite = (EnvelopeSuite)suiteId;
        if (!Enum.IsDefined(suite))
        {
            throw new EnvelopeFormatException($"Unsupported envelope algorithm suite {suiteId}.");
        }

        var messageId = fixedPart.AsSpan(EnvelopeLayout.MessageIdOffset, EnvelopeLayout.MessageIdSize).ToArray();
        var frameSize = BinaryPrimitives.ReadUInt32BigEndian(fixedPart.AsSpan(EnvelopeLayout.FrameSizeOffset));
        if (frameSize is < EnvelopeEncryptorOptions.MinFrameSize or > EnvelopeEncryptorOptions.MaxFrameSize)
        {
            throw new EnvelopeFormatException($"Envelope frame size {frameSize} is outside [{EnvelopeEncryptorOptions.MinFrameSize}, {EnvelopeEncryptorOptions.MaxFrameSize}].");
        }

        var contextCount = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(EnvelopeLayout.ContextCountOffset));
        var context = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? previous = null;
        for (var i = 0; i < contextCount; i++)
        {
            var key = await ReadString16Async(reader, cancellationToken).ConfigureAwait(false);
            var value = await ReadString16Async(reader, cancellationToken).ConfigureAwait(false);
            if (previous is not null && string.CompareOrdinal(previous, key) >= 0)
            {
                // Not canonical (reordered or duplicated keys): this header was not written by an encryptor.
                throw new EnvelopeAuthenticationException();
            }

            previous = key;
            context.Add(key, value);
        }

        var keyCount = BinaryPrimitives.ReadUInt16BigEndian(await reader.ReadAsync(EnvelopeLayout.CountSize, cancellationToken).ConfigureAwait(false));
        if (keyCount == 0)
        {
            throw new EnvelopeFormatException("The envelope carries no wrapped data key.");
        }

        if (keyCount > policy.MaxWrappedKeys)
        {
            throw new EnvelopeFormatException($"The envelope carries {keyCount} wrapped data keys; the decrypt policy allows at most {policy.MaxWrappedKeys}.");
        }

        var keys = new List<WrappedDataKey>(keyCount);
        for (var i = 0; i < keyCount; i++)
        {
            var providerLength = (await reader.ReadAsync(EnvelopeLayout.ProviderIdLengthSize, cancellationToken).ConfigureAwait(false))[0];
            var provider = Encoding.UTF8.GetString(await reader.ReadAsync(providerLength, cancellationToken).ConfigureAwait(false));
            var keyId = await ReadString16Async(reader, cancellationToken).ConfigureAwait(false);
            var ciphertextLength = BinaryPrimitives.ReadUInt16BigEndian(await reader.ReadAsync(EnvelopeLayout.CountSize, cancellationToken).ConfigureAwait(false));
            var ciphertext = await reader.ReadAsync(ciphertextLength, cancellationToken).ConfigureAwait(false);
            keys.Add(new WrappedDataKey(provider, keyId, ciphertext));
        }

        var commitment = await reader.ReadAsync(EnvelopeLayout.CommitmentSize, cancellationToken).ConfigureAwait(false);
        var authenticated = reader.Consumed.ToArray();
        var tag = await reader.ReadAsync(EnvelopeLayout.TagSize, cancellationToken).ConfigureAwait(false);
        return new EnvelopeHeader
        {
            Suite = suite,
            MessageId = messageId,
            FrameSize = (int)frameSize,
            Context = context,
            WrappedKeys = keys,
            Commitment = commitment,
            Tag = tag,
            AuthenticatedBytes = authenticated,
        };
    }

    private static async ValueTask<string> ReadString16Async(HeaderReader reader, CancellationToken cancellationToken)
    {
        var length = BinaryPrimitives.ReadUInt16BigEndian(await reader.ReadAsync(EnvelopeLayout.CountSize, cancellationToken).ConfigureAwait(false));
        var bytes = await reader.ReadAsync(length, cancellationToken).ConfigureAwait(false);
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new EnvelopeAuthenticationException();
        }
    }

    private static void WriteString16(Stream stream, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt16(stream, checked((ushort)bytes.Length));
        stream.Write(bytes);
    }

    private static void WriteUInt16(Stream stream, ushort value)
    {
        Span<byte> buffer = stackalloc byte[EnvelopeLayout.CountSize];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[EnvelopeLayout.FrameSizeFieldSize];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }
}
