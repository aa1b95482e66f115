using Secrets.Sdk.Http;

namespace Secrets.Sdk.Cli;

/// <summary>
/// Wraps the backend kit's own handler (<see cref="BackendHttpClientFactory.CreateHandler"/>, so TLS, CA bundle, timeouts
/// and the no-redirect rule stay as configured) and records each exchange's operation, status, latency and the server's
/// <c>Date</c>. Nothing of the request or answer body is looked at.
/// </summary>
internal sealed class ObservingHandler : DelegatingHandler
{
    private readonly HttpObservations _observations;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="ObservingHandler"/> class.</summary>
    /// <param name="options">The source's HTTP options.</param>
    /// <param name="observations">Where exchanges are recorded.</param>
    /// <param name="time">The clock.</param>
    public ObservingHandler(BackendHttpOptions options, HttpObservations observations, TimeProvider time)
        : base(BackendHttpClientFactory.CreateHandler(options))
    {
        _observations = observations;
        _time = time;
    }

    /// <summary>Makes <paramref name="options"/> send through an observing handler.</summary>
    /// <param name="options">A source's HTTP options.</param>
    /// <param name="observations">Where exchanges are recorded.</param>
    /// <param name="time">The clock.</param>
    public static void Attach(BackendHttpOptions options, HttpObservations observations, TimeProvider time)
    {
        if (options.CreateHandler is null && options.CreateClient is null)
        {
            options.CreateHandler = () => new ObservingHandler(options, observations, time);
        }
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.FirstOrDefault() : null;
        var operation = HttpObservations.OperationOf(request.Method.Method, request.RequestUri, target);
        var discovery = HttpObservations.IsDiscovery(request.Method.Method, request.RequestUri, target);
        var sent = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var received = _time.GetUtcNow();
            _observations.Add(new HttpExchange(operation, (int)response.StatusCode, _time.GetElapsedTime(started), HttpObservations.Skew(response.Headers.Date, sent, received), discovery));
            return response;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            _observations.Add(new HttpExchange(operation, null, _time.GetElapsedTime(started), null, discovery));
            throw;
        }
    }
}
