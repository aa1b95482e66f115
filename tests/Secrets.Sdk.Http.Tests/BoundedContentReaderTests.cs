namespace Secrets.Sdk.Http.Tests;

/// <summary>Counts the bytes the reader takes from a body stream: it never reads more than the cap plus one byte.</summary>
public sealed class BoundedContentReaderTests
{
    private const int Cap = 64 * 1024;

    [Fact]
    public async Task DeclaredLengthAboveTheCap_ReadsNothing()
    {
        using var body = new EndlessStream();
        using var content = new StreamContent(body);
        content.Headers.ContentLength = 200L * 1024 * 1024;

        var read = await BoundedContentReader.ReadAsync(content, Cap, CancellationToken.None);

        Assert.Null(read);
        Assert.Equal(0, body.BytesRead);
    }

    [Fact]
    public async Task EndlessBodyWithoutLength_ReadsAtMostTheCapPlusOne()
    {
        using var body = new EndlessStream();
        using var content = new StreamContent(body, bufferSize: 1024);

        var read = await BoundedContentReader.ReadAsync(content, Cap, CancellationToken.None);

        Assert.Null(read);
        Assert.InRange(body.BytesRead, Cap + 1, Cap + 1024);
    }

    [Fact]
    public async Task LyingContentLength_IsStillCapped()
    {
        using var body = new EndlessStream();
        using var content = new StreamContent(body, bufferSize: 1024);
        content.Headers.ContentLength = 10;

        var read = await BoundedContentReader.ReadAsync(content, Cap, CancellationToken.None);

        Assert.Null(read);
        Assert.InRange(body.BytesRead, Cap + 1, Cap + 1024);
    }

    [Fact]
    public async Task BodyOfExactlyTheCap_IsReturnedWhole()
    {
        using var content = new ByteArrayContent(new byte[Cap]);
        content.Headers.ContentLength = null;

        var read = await BoundedContentReader.ReadAsync(content, Cap, CancellationToken.None);

        Assert.NotNull(read);
        Assert.Equal(Cap, read.Value.Length);
        BoundedContentReader.Return(read.Value.Buffer);
    }

    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'a');
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
