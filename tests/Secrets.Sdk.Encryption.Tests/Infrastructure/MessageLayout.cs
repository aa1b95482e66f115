using System.Buffers.Binary;

namespace Secrets.Sdk.Encryption.Tests.Infrastructure;

/// <summary>Splits a message into header and frames (by the documented layout) so tests can tamper with them.</summary>
internal sealed class MessageLayout
{
    public MessageLayout(byte[] message, int frameSize)
    {
        var header = HeaderCodec.ReadAsync(new HeaderReader(new MemoryStream(message), int.MaxValue), new EnvelopeDecryptPolicy(), default).AsTask().GetAwaiter().GetResult();
        HeaderLength = header.AuthenticatedBytes.Length + EnvelopeLayout.TagSize;
        Header = header;
        var position = HeaderLength;
        while (position < message.Length)
        {
            var type = message[position];
            var length = type == EnvelopeLayout.RegularFrame
                ? frameSize + EnvelopeLayout.RegularFrameOverhead
                : (int)BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(position + EnvelopeLayout.FrameTypeSize)) + EnvelopeLayout.FinalFrameOverhead;
            Frames.Add(message.AsSpan(position, length).ToArray());
            position += length;
        }

        HeaderBytes = message.AsSpan(0, HeaderLength).ToArray();
    }

    public EnvelopeHeader Header { get; }

    public int HeaderLength { get; }

    public byte[] HeaderBytes { get; }

    public List<byte[]> Frames { get; } = [];

    public static byte[] Assemble(byte[] header, IEnumerable<byte[]> frames) => [.. header, .. frames.SelectMany(f => f)];
}
