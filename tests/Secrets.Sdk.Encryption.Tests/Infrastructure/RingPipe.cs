namespace Secrets.Sdk.Encryption.Tests.Infrastructure;

/// <summary>
/// A fixed-size in-memory pipe (one reused buffer, no per-write allocation) connecting an encrypting writer to a
/// decrypting reader, so a 1 GiB round trip can be measured without storing it.
/// </summary>
internal sealed class RingPipe
{
    private readonly byte[] _buffer;
    private readonly object _gate = new();
    private int _head;
    private int _count;
    private bool _completed;

    public RingPipe(int capacity = 1 << 20)
    {
        _buffer = new byte[capacity];
        Writer = new WriterStream(this);
        Reader = new ReaderStream(this);
    }

    public Stream Writer { get; }

    public Stream Reader { get; }

    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    private void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            lock (_gate)
            {
                while (_count == _buffer.Length)
                {
                    Monitor.Wait(_gate);
                }

                var tail = (_head + _count) % _buffer.Length;
                var chunk = Math.Min(data.Length, Math.Min(_buffer.Length - _count, _buffer.Length - tail));
                data[..chunk].CopyTo(_buffer.AsSpan(tail));
                _count += chunk;
                data = data[chunk..];
                Monitor.PulseAll(_gate);
            }
        }
    }

    private int Read(Span<byte> destination)
    {
        lock (_gate)
        {
            while (_count == 0 && !_completed)
            {
                Monitor.Wait(_gate);
            }

            var chunk = Math.Min(destination.Length, Math.Min(_count, _buffer.Length - _head));
            _buffer.AsSpan(_head, chunk).CopyTo(destination);
            _head = (_head + chunk) % _buffer.Length;
            _count -= chunk;
            Monitor.PulseAll(_gate);
            return chunk;
        }
    }

    private abstract class PipeStream : Stream
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class WriterStream(RingPipe pipe) : PipeStream
    {
        public override bool CanRead => false;

        public override bool CanWrite => true;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => pipe.Write(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            pipe.Write(buffer.Span);
            return default;
        }

        protected override void Dispose(bool disposing)
        {
            pipe.Complete();
            base.Dispose(disposing);
        }
    }

    private sealed class ReaderStream(RingPipe pipe) : PipeStream
    {
        public override bool CanRead => true;

        public override bool CanWrite => false;

        public override int Read(byte[] buffer, int offset, int count) => pipe.Read(buffer.AsSpan(offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(pipe.Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
