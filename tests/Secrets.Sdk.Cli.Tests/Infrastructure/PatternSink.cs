namespace Secrets.Sdk.Cli.Tests;

/// <summary>
/// A write-only stream that checks every byte against <see cref="PatternStream.Expected"/> and keeps nothing, sampling the
/// managed heap as data passes to record its peak.
/// </summary>
internal sealed class PatternSink : Stream
{
    private long _writes;

    public long Written { get; private set; }

    public bool Matches { get; private set; } = true;

    public long PeakManagedBytes { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            var expected = PatternStream.Expected(Written, buffer.Length);
            var n = expected.Length;
            Matches &= buffer[..n].SequenceEqual(expected);
            Written += n;
            buffer = buffer[n..];
        }

        if (_writes++ % 64 == 0)
        {
            PeakManagedBytes = Math.Max(PeakManagedBytes, GC.GetTotalMemory(forceFullCollection: false));
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
