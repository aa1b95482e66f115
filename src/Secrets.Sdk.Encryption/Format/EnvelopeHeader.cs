namespace Secrets.Sdk.Encryption;

/// <summary>A parsed envelope header. <see cref="AuthenticatedBytes"/> is everything the header tag covers.</summary>
internal sealed class EnvelopeHeader
{
    public required EnvelopeSuite Suite { get; init; }

    public required byte[] MessageId { get; init; }

    public required int FrameSize { get; init; }

    public required SortedDictionary<string, string> Context { get; init; }

    public required IReadOnlyList<WrappedDataKey> WrappedKeys { get; init; }

    public required byte[] Commitment { get; init; }

    public byte[] Tag { get; init; } = [];

    /// <summary>Gets the serialized header up to and including the commitment (the header tag's associated data).</summary>
    public byte[] AuthenticatedBytes { get; init; } = [];
}
