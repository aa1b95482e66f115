using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Secrets.Sdk.Encryption;

/// <summary>
/// Writes and reads the message body (docs/envelope-format.md, "Frames"): regular frames
/// <c>frame type ‖ ciphertext (frame size) ‖ tag</c> and one final frame <c>frame type ‖ final length ‖ ciphertext ‖ tag</c>,
/// numbered from 1 by position. Sizes come from <see cref="EnvelopeLayout"/>; the AEAD is <see cref="FrameCipher"/>.
/// Any malformed structure is an <see cref="EnvelopeAuthenticationException"/>, like a bad tag.
/// </summary>
internal static class FrameCodec
{
    /// <summary>Returns the length of a message whose header is <paramref name="headerLength"/> bytes (tag included).</summary>
    public static int MessageLength(int headerLength, int plaintextLength, int frameSize)
    {
        var regular = RegularFrameCount(plaintextLength, frameSize);
        var finalLength = plaintextLength - (regular * frameSize);
        return checked((int)(headerLength + ((long)regular * (frameSize + EnvelopeLayout.RegularFrameOverhead)) + finalLength + EnvelopeLayout.FinalFrameOverhead));
    }

    /// <summary>Encrypts a whole plaintext into <paramref name="output"/>, sized by <see cref="MessageLength"/> minus the header.</summary>
    public static void EncryptBody(FrameCipher cipher, int frameSize, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        var regular = RegularFrameCount(plaintext.Length, frameSize);
        var position = 0;
        for (var i = 0; i < regular; i++)
        {
            position += WriteRegularFrame(cipher, (uint)(i + 1), plaintext.Slice(i * frameSize, frameSize), output[position..]);
        }

        WriteFinalFrame(cipher, (uint)(regular + 1), plaintext[(regular * frameSize)..], output[position..]);
    }

    /// <summary>Encrypts <paramref name="input"/> to its end into frames written to <paramref name="output"/>, one frame in memory at a time.</summary>
    public static async Task EncryptStreamAsync(FrameCipher cipher, int frameSize, Stream input, Stream output, CancellationToken cancellationToken)
    {
        var pending = ArrayPool<byte>.Shared.Rent(frameSize);
        var next = ArrayPool<byte>.Shared.Rent(frameSize);
        var frame = ArrayPool<byte>.Shared.Rent(frameSize + EnvelopeLayout.FinalFrameOverhead);
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

                var length = WriteRegularFrame(cipher, sequence, pending.AsSpan(0, frameSize), frame);
                await output.WriteAsync(frame.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                sequence = sequence == uint.MaxValue ? throw new InvalidOperationException("The stream is too long for this frame size.") : sequence + 1;
                (pending, next) = (next, pending);
                pendingLength = nextLength;
            }

            var written = WriteFinalFrame(cipher, sequence, pending.AsSpan(0, pendingLength), frame);
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

    /// <summary>Walks the frame structure (no decryption) and returns the plaintext length; malformed structure is an authentication failure.</summary>
    public static int MeasureBody(ReadOnlySpan<byte> body, int frameSize)
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
            if (type == EnvelopeLayout.RegularFrame)
            {
                length = frameSize;
                headerSize = EnvelopeLayout.RegularFrameHeaderSize;
            }
            else if (type == EnvelopeLayout.FinalFrame && position + EnvelopeLayout.FinalFrameHeaderSize <= body.Length)
            {
                length = BinaryPrimitives.ReadUInt32BigEndian(body[(int)(position + EnvelopeLayout.FrameTypeSize)..]);
                headerSize = EnvelopeLayout.FinalFrameHeaderSize;
                if (length > frameSize)
                {
                    throw new EnvelopeAuthenticationException();
                }
            }
            else
            {
                throw new EnvelopeAuthenticationException();
            }

            position += headerSize + length + EnvelopeLayout.TagSize;
            plaintext += length;
            if (position > body.Length)
            {
                throw new EnvelopeAuthenticationException(); // Cut mid-frame.
            }

            if (type == EnvelopeLayout.FinalFrame)
            {
                return position == body.Length ? checked((int)plaintext) : throw new EnvelopeAuthenticationException(); // Trailing bytes.
            }
        }
    }

    /// <summary>Decrypts every frame of a body measured by <see cref="MeasureBody"/> into <paramref name="plaintext"/>; zeroes it and throws on the first bad tag.</summary>
    public static void DecryptBody(FrameCipher cipher, int frameSize, ReadOnlySpan<byte> body, Span<byte> plaintext)
    {
        var position = 0;
        var written = 0;
        uint sequence = 1;
        while (true)
        {
            var type = body[position];
            var isFinal = type == EnvelopeLayout.FinalFrame;
            var length = isFinal ? (int)BinaryPrimitives.ReadUInt32BigEndian(body[(position + EnvelopeLayout.FrameTypeSize)..]) : frameSize;
            var start = position + (isFinal ? EnvelopeLayout.FinalFrameHeaderSize : EnvelopeLayout.RegularFrameHeaderSize);
            if (!cipher.TryDecryptFrame(sequence, type, body.Slice(start, length), body.Slice(start + length, EnvelopeLayout.TagSize), plaintext.Slice(written, length)))
            {
                CryptographicOperations.ZeroMemory(plaintext);
                throw new EnvelopeAuthenticationException();
            }

            written += length;
            position = start + length + EnvelopeLayout.TagSize;
            if (isFinal)
            {
                return;
            }

            sequence++;
        }
    }

    /// <summary>
    /// Decrypts the frames read from <paramref name="input"/> to <paramref name="output"/>, writing a frame only after its tag
    /// verified; throws at the end for a missing final frame or trailing bytes.
    /// </summary>
    public static async Task DecryptStreamAsync(FrameCipher cipher, int frameSize, long maxBodyBytes, Stream input, Stream output, CancellationToken cancellationToken)
    {
        var frame = ArrayPool<byte>.Shared.Rent(EnvelopeLayout.FinalLengthSize + frameSize + EnvelopeLayout.TagSize);
        var plaintext = ArrayPool<byte>.Shared.Rent(frameSize);
        try
        {
            uint sequence = 1;
            long body = 0;
            while (true)
            {
                if (await ReadFullAsync(input, frame.AsMemory(0, EnvelopeLayout.FrameTypeSize), cancellationToken).ConfigureAwait(false) == 0)
                {
                    throw new EnvelopeAuthenticationException(); // Ended without a final frame: truncated.
                }

                var type = frame[0];
                int length;
                if (type == EnvelopeLayout.RegularFrame)
                {
                    length = frameSize;
                }
                else if (type == EnvelopeLayout.FinalFrame)
                {
                    await ReadExactlyOrFailAsync(input, frame.AsMemory(0, EnvelopeLayout.FinalLengthSize), cancellationToken).ConfigureAwait(false);
                    var declared = BinaryPrimitives.ReadUInt32BigEndian(frame);
                    length = declared <= (uint)frameSize ? (int)declared : throw new EnvelopeAuthenticationException();
                }
                else
                {
                    throw new EnvelopeAuthenticationException();
                }

                body += length + EnvelopeLayout.TagSize;
                if (body > maxBodyBytes)
                {
                    throw new EnvelopeFormatException($"The envelope body exceeds the decrypt policy's {maxBodyBytes}-byte limit.");
                }

                await ReadExactlyOrFailAsync(input, frame.AsMemory(0, length + EnvelopeLayout.TagSize), cancellationToken).ConfigureAwait(false);
                if (!cipher.TryDecryptFrame(sequence, type, frame.AsSpan(0, length), frame.AsSpan(length, EnvelopeLayout.TagSize), plaintext.AsSpan(0, length)))
                {
                    throw new EnvelopeAuthenticationException();
                }

                await output.WriteAsync(plaintext.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                if (type == EnvelopeLayout.FinalFrame)
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
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
            ArrayPool<byte>.Shared.Return(plaintext);
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Regular frames in a message of <paramref name="plaintextLength"/> bytes: all but the last (possibly empty) chunk.</summary>
    private static int RegularFrameCount(int plaintextLength, int frameSize) => plaintextLength == 0 ? 0 : (plaintextLength - 1) / frameSize;

    private static int WriteRegularFrame(FrameCipher cipher, uint sequence, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        destination[0] = EnvelopeLayout.RegularFrame;
        var ciphertext = destination.Slice(EnvelopeLayout.RegularFrameHeaderSize, plaintext.Length);
        var tag = destination.Slice(EnvelopeLayout.RegularFrameHeaderSize + plaintext.Length, EnvelopeLayout.TagSize);
        cipher.EncryptFrame(sequence, EnvelopeLayout.RegularFrame, plaintext, ciphertext, tag);
        return plaintext.Length + EnvelopeLayout.RegularFrameOverhead;
    }

    private static int WriteFinalFrame(FrameCipher cipher, uint sequence, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        destination[0] = EnvelopeLayout.FinalFrame;
        BinaryPrimitives.WriteUInt32BigEndian(destination[EnvelopeLayout.FrameTypeSize..], (uint)plaintext.Length);
        var ciphertext = destination.Slice(EnvelopeLayout.FinalFrameHeaderSize, plaintext.Length);
        var tag = destination.Slice(EnvelopeLayout.FinalFrameHeaderSize + plaintext.Length, EnvelopeLayout.TagSize);
        cipher.EncryptFrame(sequence, EnvelopeLayout.FinalFrame, plaintext, ciphertext, tag);
        return plaintext.Length + EnvelopeLayout.FinalFrameOverhead;
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
}
