namespace Secrets.Sdk.Soak;

/// <summary>Counts a client's requests on the wire and tells the cycle driver as each one starts and ends.</summary>
internal sealed class InFlightHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public Action? Started { get; set; }

    public Action? Ended { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        Started?.Invoke();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Content is { } content)
            {
                // The body too: its read is under the same timeout.
#if NET9_0_OR_GREATER
                await content.LoadIntoBufferAsync(cancellationToken);
#else
                await content.LoadIntoBufferAsync();
#endif
            }

            return response;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            Ended?.Invoke();
        }
    }
}
