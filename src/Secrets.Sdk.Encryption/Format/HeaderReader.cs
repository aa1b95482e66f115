namespace Secrets.Sdk.Encryption;

/// <summary>Reads the header from a stream or a buffer, keeping what it consumed, within the policy's header size limit.</summary>
internal sealed class HeaderReader(Stream source, int maxHeaderBytes)
{
    private readonly MemoryStream _consumed = new();

    public ReadOnlySpan<byte> Consumed => _consumed.GetBuffer().AsSpan(0, (int)_consumed.Length);

    public long Position => _consumed.Length;

    public async ValueTask<byte[]> ReadAsync(int count, CancellationToken cancellationToken)
    {
        if (_consumed.Length + count > maxHeaderBytes)
        {
            throw new EnvelopeFormatException($"The envelope header is larger than the decrypt policy's {maxHeaderBytes}-byte limit.");
        }

        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await source.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EnvelopeAuthenticationException(); // Truncated inside the header.
            }

            read += n;
        }

        _consumed.Write(buffer);
        return buffer;
    }
}
