using System.Security.Cryptography.X509Certificates;

namespace Secrets.Sdk.Http;

/// <summary>
/// How a backend talks HTTP: connection handling, limits on what it accepts, and hooks for proxies, mutual TLS and
/// corporate CAs. Every backend built on <see cref="BackendHttpClient"/> exposes one of these (for example
/// <c>vault.Http</c>, <c>aws.Http</c>), and <see cref="BackendHttpClientFactory"/> turns it into an <see cref="HttpClient"/>.
/// </summary>
/// <remarks>
/// The defaults are the trust boundaries listed in the project's architecture document: responses up to 4 MiB, one
/// secret value up to 1 MiB, at most 1,000 pages per listing, plain HTTP only to a loopback address, and redirects
/// never followed automatically.
/// </remarks>
public sealed class BackendHttpOptions
{
    /// <summary>The default <see cref="MaxResponseBytes"/>: 4 MiB.</summary>
    public const int DefaultMaxResponseBytes = 4 * 1024 * 1024;

    /// <summary>The default <see cref="MaxSecretBytes"/>: 1 MiB (a Kubernetes Secret's limit, above every cloud's own).</summary>
    public const int DefaultMaxSecretBytes = 1024 * 1024;

    /// <summary>The default <see cref="MaxPages"/>: 1,000.</summary>
    public const int DefaultMaxPages = 1000;

    /// <summary>
    /// Gets or sets the largest response body read, in bytes. A larger (or endless) body fails that call with
    /// <see cref="SecretErrorKind.InvalidResponse"/> after reading at most this many bytes. Default: 4 MiB.
    /// </summary>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>
    /// Gets or sets the largest single secret value, in bytes; a larger value fails that secret only. Default: 1 MiB.
    /// </summary>
    public int MaxSecretBytes { get; set; } = DefaultMaxSecretBytes;

    /// <summary>
    /// Gets or sets the most pages (or folder listings) one listing may take; more, or a page token seen twice, is an
    /// <see cref="SecretErrorKind.InvalidResponse"/> error instead of a loop. Default: 1,000.
    /// </summary>
    public int MaxPages { get; set; } = DefaultMaxPages;

    /// <summary>Gets or sets how long establishing a connection (TCP and TLS) may take. Default: 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long one call may take, from sending the request to reading the last byte of the answer.
    /// Default: 60 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how long a pooled connection is reused before a new one is opened, so DNS changes (a failover, a
    /// new load balancer address) are seen. Default: 5 minutes.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the most concurrent connections to one server. Default: 64.</summary>
    public int MaxConnectionsPerServer { get; set; } = 64;

    /// <summary>
    /// Gets or sets a value indicating whether plain HTTP is allowed to a non-loopback address. Plain HTTP to a loopback
    /// address (a local dev server, an emulator) is always allowed. Default: <see langword="false"/>.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>
    /// Gets or sets a PEM file of CA certificates to trust for the server's certificate, in addition to the system's
    /// (a corporate or private CA). It is read once, when the client is built, and must be at most 1 MiB.
    /// </summary>
    public string? CaCertificatesPath { get; set; }

    /// <summary>Gets or sets a client certificate for mutual TLS.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// Gets or sets a hook that adjusts the <see cref="SocketsHttpHandler"/> the kit builds (a proxy, extra TLS
    /// settings). The kit sets <see cref="SocketsHttpHandler.AllowAutoRedirect"/> back to <see langword="false"/> after it.
    /// </summary>
    public Action<SocketsHttpHandler>? ConfigureHandler { get; set; }

    /// <summary>
    /// Gets or sets a factory for the whole message handler, replacing the kit's <see cref="SocketsHttpHandler"/>
    /// (<see cref="ConfigureHandler"/>, <see cref="CaCertificatesPath"/> and <see cref="ClientCertificate"/> are then not
    /// applied). Automatic redirects are switched off when the handler is a <see cref="SocketsHttpHandler"/> or an
    /// <see cref="HttpClientHandler"/>; any other handler must not follow redirects itself.
    /// </summary>
    public Func<HttpMessageHandler>? CreateHandler { get; set; }

    /// <summary>
    /// Gets or sets a factory for the whole <see cref="HttpClient"/>, taking precedence over <see cref="CreateHandler"/>:
    /// for example <c>() =&gt; httpClientFactory.CreateClient("vault")</c> to use a named client of
    /// <c>IHttpClientFactory</c> (the kit takes a delegate, not the interface, so it depends on no DI or configuration
    /// package). The kit sets the client's <see cref="HttpClient.BaseAddress"/> and an infinite <see cref="HttpClient.Timeout"/>
    /// (it times each call itself) and disposes the client with the backend. Its handler must not follow redirects
    /// (<c>AllowAutoRedirect = false</c>): the kit refuses any answer that came from a redirect it did not follow itself.
    /// </summary>
    public Func<HttpClient>? CreateClient { get; set; }

    /// <summary>
    /// Gets how this client uses its endpoint's shared throttle gate: one throttled answer backs off every client in the
    /// process talking to the same endpoint. On by default.
    /// </summary>
    public ThrottleGateOptions Throttle { get; } = new();

    /// <summary>Checks the values; throws <see cref="ArgumentException"/> naming the first wrong one.</summary>
    /// <exception cref="ArgumentException">A limit or timeout is out of range.</exception>
    public void Validate()
    {
        Positive(MaxResponseBytes, nameof(MaxResponseBytes));
        Positive(MaxSecretBytes, nameof(MaxSecretBytes));
        Positive(MaxPages, nameof(MaxPages));
        Positive(MaxConnectionsPerServer, nameof(MaxConnectionsPerServer));
        PositiveTime(ConnectTimeout, nameof(ConnectTimeout));
        PositiveTime(RequestTimeout, nameof(RequestTimeout));
        PositiveTime(PooledConnectionLifetime, nameof(PooledConnectionLifetime));
        Throttle.Validate();
        if (MaxSecretBytes > MaxResponseBytes)
        {
            throw new ArgumentException($"{nameof(MaxSecretBytes)} ({MaxSecretBytes}) cannot exceed {nameof(MaxResponseBytes)} ({MaxResponseBytes}).", nameof(MaxSecretBytes));
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be positive (was {value}).", name);
        }
    }

    private static void PositiveTime(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} must be a positive, finite time (was {value}).", name);
        }
    }
}
