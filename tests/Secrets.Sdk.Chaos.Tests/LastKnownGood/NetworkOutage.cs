using System.Net.Sockets;

namespace Secrets.Sdk.Chaos.Tests.LastKnownGood;

/// <summary>
/// A network partition between the application and its secret stores: while <see cref="Down"/>, every request through
/// a handler from <see cref="Wrap"/> fails as a refused connection does, before reaching the emulator.
/// </summary>
internal sealed class NetworkOutage
{
    private volatile bool _down;

    public bool Down
    {
        get => _down;
        set => _down = value;
    }

    public HttpMessageHandler Wrap(HttpMessageHandler inner) => new Gate(this, inner);

    private sealed class Gate(NetworkOutage outage, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            outage.Down
                ? Task.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (network outage in test).", new SocketException((int)SocketError.ConnectionRefused)))
                : base.SendAsync(request, cancellationToken);
    }
}
