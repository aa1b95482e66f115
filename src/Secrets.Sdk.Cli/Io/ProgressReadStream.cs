namespace Secrets.Sdk.Cli;

/// <summary>Reads through to another stream, counting the bytes and reporting how many each read returned.</summary>
internal sealed class ProgressReadStream(Stream inner) : Stream
{
    /// <summary>Gets or sets what is told the byte count of each read (after <see cref="Total"/> includes it).</summary>
    public Action<long>? OnRead { get; set; }

    private long _total;

    /// <summary>Gets the bytes read so far (read from any thread).</summary>
    public long Total => Interlocked.Read(ref _total);

    public override bool CanRead => true;

    public override bool CanSeek => false; // Seen by the encryptor as a stream of unknown length: read once, to its end.

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Report(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Report(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Report(int read)
    {
        if (read > 0)
        {
            Interlocked.Add(ref _total, read);
            OnRead?.Invoke(read);
        }

        return read;
    }
}
