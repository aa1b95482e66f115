namespace Secrets.Sdk.Chaos.Tests.Harness;

/// <summary>
/// Counts the client's requests in flight (connecting, TLS, waiting for headers), which the emulator cannot see yet, so
/// the <see cref="SimulationDriver"/> does not move the clock while a request is on its way.
/// </summary>
internal sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
