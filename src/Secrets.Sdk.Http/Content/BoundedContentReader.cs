using System.Buffers;

namespace Secrets.Sdk.Http;

/// <summary>
/// Reads a response body into memory, never more than a cap: a declared <c>Content-Length</c> above the cap fails before
/// reading, and a chunked or lying body fails as soon as one byte more than the cap arrives. The buffer comes from
/// <see cref="ArrayPool{T}.Shared"/> and grows by doubling, so a refused body costs no lasting allocation and live memory
/// stays below about one and a half times the cap. Buffers go back to the pool cleared (they held secrets).
/// </summary>
internal static class BoundedContentReader
{
    private const int InitialBufferBytes = 16 * 1024;

    /// <summary>Reads the body; returns <see langword="null"/> when it is larger than <paramref name="maxBytes"/>.</summary>
    /// <returns>A rented buffer and the body's length; give the buffer back with <see cref="Return"/>.</returns>
    public static async Task<(byte[] Buffer, int Length)?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? InitialBufferBytes, 1, maxBytes));
            var filled = 0;
            try
            {
                while (true)
                {
                    var capacity = Math.Min(buffer.Length, maxBytes);
                    if (filled == capacity)
                    {
                        if (capacity == maxBytes)
                        {
                            // Full at the cap: one more byte means the body is too large.
                            var probe = new byte[1];
                            if (await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                            {
                                return (buffer, filled);
                            }

                            Return(buffer);
                            return null;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxBytes));
                        buffer.AsSpan(0, filled).CopyTo(larger);
                        Return(buffer);
                        buffer = larger;
                        continue;
                    }

                    var read = await stream.ReadAsync(buffer.AsMemory(filled, capacity - filled), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return (buffer, filled);
                    }

                    filled += read;
                }
            }
            catch
            {
                Return(buffer);
                throw;
            }
        }
    }

    /// <summary>Gives a buffer back to the pool, cleared.</summary>
    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
}
