using System.Security.Cryptography;
using Secrets.Sdk.Encryption.Tests.Infrastructure;

namespace Secrets.Sdk.Encryption.Tests;

[Collection(IsolatedCollection.Name)]
public sealed class LargeStreamTests
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task OneGiB_StreamsThroughEncryptAndDecrypt_InBoundedMemory()
    {
        var context = new Dictionary<string, string> { ["purpose"] = "backup" };
        using var encryptor = new EnvelopeEncryptor(TestKeks.Local());
        var source = new GeneratedStream(OneGiB);
        using var sink = new HashingSink();
        var pipe = new RingPipe();
        var totalBefore = GC.GetTotalAllocatedBytes(precise: true);

        var encrypt = Task.Factory.StartNew(async () =>
        {
            await using var writer = pipe.Writer;
            await encryptor.EncryptAsync(source, writer, context);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        var decrypt = Task.Factory.StartNew(async () =>
        {
            await encryptor.DecryptAsync(pipe.Reader, sink, context);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        await Task.WhenAll(encrypt, decrypt);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;

        Assert.Equal(OneGiB, sink.Length);
        Assert.Equal(source.Hash(), sink.Hash());
        // Constant memory: the whole 1 GiB round trip allocates a few frame buffers (under 8 MiB), not the data.
        Assert.True(allocated < 8L * 1024 * 1024, $"allocated {allocated:N0} bytes for a 1 GiB round trip");
    }

    /// <summary>A non-seekable stream of pseudo-random bytes that hashes what it hands out.</summary>
    private sealed class GeneratedStream(long length) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;
        private ulong _state = 0x9E3779B97F4A7C15;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public byte[] Hash() => _hash.GetHashAndReset();

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - _position);
            var longs = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer[..(n & ~7)]);
            for (var i = 0; i < longs.Length; i++)
            {
                _state ^= _state << 13;
                _state ^= _state >> 7;
                _state ^= _state << 17;
                longs[i] = _state;
            }

            buffer[(n & ~7)..n].Fill(0x5A);
            _hash.AppendData(buffer[..n]);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class HashingSink : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public byte[] Hash() => _hash.GetHashAndReset();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            _length += buffer.Length;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return default;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
