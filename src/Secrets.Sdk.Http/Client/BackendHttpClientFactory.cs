using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Secrets.Sdk.Http;

/// <summary>
/// The one way every backend builds its <see cref="HttpClient"/>: a <see cref="SocketsHttpHandler"/> with
/// <see cref="BackendHttpOptions.PooledConnectionLifetime"/> (DNS changes are seen), a connect timeout, no automatic
/// redirects, optional CA bundle and client certificate, and the user's hooks; or the user's own handler or client
/// (<see cref="BackendHttpOptions.CreateHandler"/>, <see cref="BackendHttpOptions.CreateClient"/>). Plain HTTP is accepted only to a loopback address unless
/// <see cref="BackendHttpOptions.AllowInsecureHttp"/>.
/// </summary>
public static class BackendHttpClientFactory
{
    private const int MaxCaBundleBytes = 1024 * 1024;

    /// <summary>Builds the HTTP client for <paramref name="endpoint"/>.</summary>
    /// <param name="endpoint">The service's base address (a trailing slash is added, so relative paths append).</param>
    /// <param name="options">Connection settings and hooks.</param>
    /// <returns>A client with <see cref="HttpClient.BaseAddress"/> set and no client-level timeout (the kit times each call).</returns>
    /// <exception cref="ArgumentException">The endpoint is not allowed, an option is out of range, or the CA bundle cannot be read.</exception>
    public static HttpClient CreateHttpClient(Uri endpoint, BackendHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        EnsureAllowedEndpoint(endpoint, options.AllowInsecureHttp, nameof(endpoint));
        var baseAddress = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");

        HttpClient client;
        if (options.CreateClient is { } createClient)
        {
            client = createClient() ?? throw new ArgumentException($"{nameof(BackendHttpOptions.CreateClient)} returned null.", nameof(options));
        }
        else
        {
            var handler = options.CreateHandler is { } create
                ? create() ?? throw new ArgumentException($"{nameof(BackendHttpOptions.CreateHandler)} returned null.", nameof(options))
                : CreateHandler(options);
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler classic:
                    classic.AllowAutoRedirect = false;
                    break;
            }

            client = new HttpClient(handler, disposeHandler: true);
        }

        client.BaseAddress = baseAddress;
        client.Timeout = Timeout.InfiniteTimeSpan; // BackendHttpClient bounds each call, body included, with RequestTimeout.
        return client;
    }

    /// <summary>Builds the kit's <see cref="SocketsHttpHandler"/> from <paramref name="options"/> (used when neither a handler nor a client factory is supplied).</summary>
    /// <param name="options">Connection settings and hooks.</param>
    /// <returns>The handler, with automatic redirects off.</returns>
    /// <exception cref="ArgumentException">The CA bundle cannot be read.</exception>
    public static SocketsHttpHandler CreateHandler(BackendHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            ConnectTimeout = options.ConnectTimeout,
            MaxConnectionsPerServer = options.MaxConnectionsPerServer,
            AutomaticDecompression = DecompressionMethods.None, // A compressed body could expand past every limit.
        };
        if (options.CaCertificatesPath is { } caPath)
        {
            var authorities = LoadCaBundle(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, serverChain, errors) => Validate(authorities, certificate, serverChain, errors);
        }

        if (options.ClientCertificate is { } clientCertificate)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        options.ConfigureHandler?.Invoke(handler);
        handler.AllowAutoRedirect = false;
        return handler;
    }

    /// <summary>
    /// Checks the plain-HTTP rule: HTTPS anywhere, plain HTTP only to a loopback address unless
    /// <paramref name="allowInsecureHttp"/>.
    /// </summary>
    /// <param name="endpoint">The address.</param>
    /// <param name="allowInsecureHttp">Whether plain HTTP to any host is allowed.</param>
    /// <param name="parameterName">The setting's name for the exception.</param>
    /// <exception cref="ArgumentException">The address is relative, not HTTP(S), or plain HTTP to a non-loopback host.</exception>
    public static void EnsureAllowedEndpoint(Uri endpoint, bool allowInsecureHttp, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"Address {UrlRedaction.Redact(endpoint)} must be an absolute http or https URL.", parameterName);
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && !allowInsecureHttp && !IsLoopback(endpoint))
        {
            throw new ArgumentException($"Address {UrlRedaction.Redact(endpoint)} uses plain HTTP to a non-loopback host; use HTTPS, or set AllowInsecureHttp.", parameterName);
        }
    }

    /// <summary>Tells whether <paramref name="endpoint"/> is a loopback address (<c>localhost</c>, 127.0.0.0/8, <c>::1</c>).</summary>
    /// <param name="endpoint">The address.</param>
    /// <returns><see langword="true"/> for a loopback address.</returns>
    public static bool IsLoopback(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.IsAbsoluteUri && (endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
    }

    private static bool Validate(X509Certificate2Collection authorities, X509Certificate? certificate, X509Chain? serverChain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
        {
            return false; // A name mismatch or no certificate is never excused by a custom CA.
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (serverChain is not null)
        {
            foreach (var element in serverChain.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return certificate is X509Certificate2 leaf ? chain.Build(leaf) : chain.Build(new X509Certificate2(certificate));
    }

    private static X509Certificate2Collection LoadCaBundle(string path)
    {
        string pem;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.None);
            var buffer = new byte[MaxCaBundleBytes + 1];
            var filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false); // at most one byte past the cap

            if (filled > MaxCaBundleBytes)
            {
                throw new ArgumentException($"CA bundle '{path}' is larger than {MaxCaBundleBytes} bytes.", nameof(BackendHttpOptions.CaCertificatesPath));
            }

            pem = Encoding.UTF8.GetString(buffer, 0, filled);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"CA bundle '{path}' cannot be read: {ex.Message}", nameof(BackendHttpOptions.CaCertificatesPath), ex);
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(pem);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ArgumentException($"CA bundle '{path}' is not a valid PEM certificate file: {ex.Message}", nameof(BackendHttpOptions.CaCertificatesPath), ex);
        }

        if (authorities.Count == 0)
        {
            throw new ArgumentException($"CA bundle '{path}' holds no certificate.", nameof(BackendHttpOptions.CaCertificatesPath));
        }

        return authorities;
    }
}
