using System.Buffers;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Secrets.Sdk.Azure;

/// <summary>
/// Buffers each answer itself, up to a byte limit, instead of letting Azure.Core's response-body policy buffer it whole:
/// a hostile or broken endpoint cannot make the client hold an unbounded body. Reads still go through Azure.Core's
/// network-timeout stream. An answer over the limit throws <see cref="InvalidDataException"/> (mapped to InvalidResponse).
/// </summary>
internal sealed class BoundedResponsePolicy(int maxBytes) : HttpPipelinePolicy
{
    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var buffer = message.BufferResponse;
        message.BufferResponse = false;
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            message.BufferResponse = buffer;
        }

        if (buffer)
        {
            await BufferAsync(message, async: true).ConfigureAwait(false);
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var buffer = message.BufferResponse;
        message.BufferResponse = false;
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            message.BufferResponse = buffer;
        }

        if (buffer)
        {
            BufferAsync(message, async: false).AsTask().GetAwaiter().GetResult();
        }
    }

    private async ValueTask BufferAsync(HttpMessage message, bool async)
    {
        var response = message.Response;
        if (response.ContentStream is not { } stream)
        {
            return;
        }

        using (stream)
        {
            var length = response.Headers.ContentLength;
            if (length > maxBytes)
            {
                throw TooLarge();
            }

            // Sized from Content-Length when the server sent one (one exact allocation); a pooled chunk either way.
            var copy = new MemoryStream(length is > 0 ? (int)length.Value : 0);
            var chunk = ArrayPool<byte>.Shared.Rent(8192);
            try
            {
                int read;
                while ((read = async ? await stream.ReadAsync(chunk, message.CancellationToken).ConfigureAwait(false) : stream.Read(chunk)) > 0)
                {
                    if (copy.Length + read > maxBytes)
                    {
                        throw TooLarge();
                    }

                    copy.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }

            copy.Position = 0;
            response.ContentStream = copy;
        }
    }

    private InvalidDataException TooLarge() => new($"The answer is larger than {maxBytes} bytes; it was not read further.");
}
