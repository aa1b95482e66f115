using Secrets.Sdk.Http;

namespace Secrets.Sdk;

/// <summary>
/// Reads the <c>Http</c> object of a declared source into <see cref="BackendHttpOptions"/>: limits, timeouts, plain-HTTP
/// permission and a CA bundle path. Handler hooks and client certificates are objects, so they are set in code
/// (<c>ConfigureDeclaredSources</c>). <c>MaxSecretBytes</c> is not read here: the source's own setting is the one knob.
/// One file, compiled into each backend that sends through the backend kit.
/// </summary>
internal static class BackendHttpDeclaration
{
    public static void Read(DeclaredSection declaration, BackendHttpOptions options)
    {
        if (declaration.GetSection("Http") is not { } http)
        {
            return;
        }

        options.MaxResponseBytes = http.GetInt32(nameof(options.MaxResponseBytes)) ?? options.MaxResponseBytes;
        options.MaxPages = http.GetInt32(nameof(options.MaxPages)) ?? options.MaxPages;
        options.ConnectTimeout = http.GetTimeSpan(nameof(options.ConnectTimeout)) ?? options.ConnectTimeout;
        options.RequestTimeout = http.GetTimeSpan(nameof(options.RequestTimeout)) ?? options.RequestTimeout;
        options.PooledConnectionLifetime = http.GetTimeSpan(nameof(options.PooledConnectionLifetime)) ?? options.PooledConnectionLifetime;
        options.MaxConnectionsPerServer = http.GetInt32(nameof(options.MaxConnectionsPerServer)) ?? options.MaxConnectionsPerServer;
        options.AllowInsecureHttp = http.GetBoolean(nameof(options.AllowInsecureHttp)) ?? options.AllowInsecureHttp;
        options.CaCertificatesPath = http.GetString(nameof(options.CaCertificatesPath)) ?? options.CaCertificatesPath;
    }
}
