namespace Secrets.Sdk.Http;

/// <summary>
/// Reads a response body into memory, never more than a cap: a declared <c>Content-Length</c> above the cap fails before
/// reading, and a chunked or lying body fails as soon as one byte more than the cap arrives. The buffer grows by
/// doubling, so memory stays below about twice the bytes really received.
/// </summary>
internal static class BoundedContentReader
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>Reads the body; returns <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<ArraySegment<byte>?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            return null;
        }

        if (declared == 0)
        {
            return ArraySegment<byte>.Empty;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte of headroom above the cap tells "exactly the cap" from "more than the cap".
            var limit = maxBytes + 1L;
            var buffer = new byte[(int)Math.Min(declared is { } length ? length + 1 : InitialBufferBytes, limit)];
            var filled = 0;
            while (true)
            {
                if (filled == buffer.Length)
                {
                    if (buffer.Length >= limit)
                    {
                        return null;
                    }

                    Array.Resize(ref buffer, (int)Math.Min(buffer.Length * 2L, limit));
                }

                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return new ArraySegment<byte>(buffer, 0, filled);
                }

                filled += read;
                if (filled > maxBytes)
                {
                    return null;
                }
            }
        }
    }
}
