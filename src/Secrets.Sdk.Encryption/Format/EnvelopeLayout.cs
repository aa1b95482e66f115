namespace Secrets.Sdk.Encryption;

/// <summary>
/// The byte layout of an envelope message, version 1, with the names docs/envelope-format.md uses for its fields. Every
/// size and offset the header codec, the frame codec and the frame cipher use comes from here; all integers are
/// big-endian.
/// </summary>
internal static class EnvelopeLayout
{
    // ---- Header: magic ‖ version ‖ suite id ‖ message id ‖ frame size ‖ context count ‖ … ----

    /// <summary>The only format version this library writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>Size of the magic field (<c>SSEV</c>).</summary>
    public const int MagicSize = 4;

    /// <summary>Size of the version field.</summary>
    public const int VersionSize = 1;

    /// <summary>Size of the suite id field.</summary>
    public const int SuiteIdSize = 1;

    /// <summary>Size of the random message id.</summary>
    public const int MessageIdSize = 32;

    /// <summary>Size of the frame size field (u32).</summary>
    public const int FrameSizeFieldSize = 4;

    /// <summary>Size of the context count and wrapped key count fields, and of every u16 length prefix.</summary>
    public const int CountSize = 2;

    /// <summary>Size of a wrapped key's provider id length (u8).</summary>
    public const int ProviderIdLengthSize = 1;

    /// <summary>Offset of the version field.</summary>
    public const int VersionOffset = MagicSize;

    /// <summary>Offset of the suite id field.</summary>
    public const int SuiteIdOffset = VersionOffset + VersionSize;

    /// <summary>Offset of the message id.</summary>
    public const int MessageIdOffset = SuiteIdOffset + SuiteIdSize;

    /// <summary>Offset of the frame size field.</summary>
    public const int FrameSizeOffset = MessageIdOffset + MessageIdSize;

    /// <summary>Offset of the context count field.</summary>
    public const int ContextCountOffset = FrameSizeOffset + FrameSizeFieldSize;

    /// <summary>Size of the fixed part of the header, magic through context count.</summary>
    public const int FixedHeaderSize = ContextCountOffset + CountSize;

    /// <summary>Size of the key commitment (the second half of the HKDF output).</summary>
    public const int CommitmentSize = 32;

    /// <summary>Size of an AEAD tag: the header tag and every frame's tag.</summary>
    public const int TagSize = 16;

    // ---- Frames: regular = type ‖ ciphertext ‖ tag; final = type ‖ final length ‖ ciphertext ‖ tag ----

    /// <summary>Frame type of a regular frame (exactly frame size plaintext bytes).</summary>
    public const byte RegularFrame = 0;

    /// <summary>Frame type of the final frame (0 … frame size plaintext bytes, length stored).</summary>
    public const byte FinalFrame = 1;

    /// <summary>Size of the frame type field.</summary>
    public const int FrameTypeSize = 1;

    /// <summary>Size of the final frame's length field (u32).</summary>
    public const int FinalLengthSize = 4;

    /// <summary>Bytes before a regular frame's ciphertext: the frame type.</summary>
    public const int RegularFrameHeaderSize = FrameTypeSize;

    /// <summary>Bytes before the final frame's ciphertext: the frame type and the final length.</summary>
    public const int FinalFrameHeaderSize = FrameTypeSize + FinalLengthSize;

    /// <summary>Bytes a regular frame adds to its plaintext.</summary>
    public const int RegularFrameOverhead = RegularFrameHeaderSize + TagSize;

    /// <summary>Bytes the final frame adds to its plaintext.</summary>
    public const int FinalFrameOverhead = FinalFrameHeaderSize + TagSize;

    // ---- Frame nonce(i, t) = 0x00000000 ‖ i (u32) ‖ 0x000000 ‖ t; aad(i, t, n) = message id ‖ t ‖ i (u32) ‖ n (u32) ----

    /// <summary>Size of an AEAD nonce.</summary>
    public const int NonceSize = 12;

    /// <summary>Offset of the frame sequence number <c>i</c> in a nonce.</summary>
    public const int NonceSequenceOffset = 4;

    /// <summary>Offset of the frame type <c>t</c> in a nonce (its last byte).</summary>
    public const int NonceFrameTypeOffset = NonceSize - FrameTypeSize;

    /// <summary>Size of a frame sequence number and of a frame's plaintext length in the associated data (u32).</summary>
    public const int FrameNumberSize = 4;

    /// <summary>Offset of the frame type in a frame's associated data.</summary>
    public const int AadFrameTypeOffset = MessageIdSize;

    /// <summary>Offset of the sequence number in a frame's associated data.</summary>
    public const int AadSequenceOffset = AadFrameTypeOffset + FrameTypeSize;

    /// <summary>Offset of the plaintext length in a frame's associated data.</summary>
    public const int AadLengthOffset = AadSequenceOffset + FrameNumberSize;

    /// <summary>Size of a frame's associated data.</summary>
    public const int FrameAadSize = AadLengthOffset + FrameNumberSize;

    /// <summary>Gets the magic that starts every message: <c>SSEV</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "SSEV"u8;
}
