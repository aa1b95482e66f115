using Secrets.Sdk.Http;

namespace Secrets.Sdk;

/// <summary>
/// Reads the <c>Http</c> object of a declared source into <see cref="BackendHttpOptions"/>: limits, timeouts, plain-HTTP
/// permission, a CA bundle path and the shared throttle gate's <c>Throttle</c> object (<c>Enabled</c>, <c>BaseDelay</c>,
/// <c>MaxDelay</c>, <c>InlineWait</c>). Handler hooks and client certificates are objects, so they are set in code
/// (<c>ConfigureDeclaredSources</c>). <c>MaxSecretBytes</c> is not read here: the source's own setting is the one knob.
/// One file, compiled into each backend that sends through the backend kit, and into Azure for its <c>Throttle</c> object.
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
        ReadThrottle(http, options.Throttle);
    }

    /// <summary>Reads the <c>Throttle</c> object of <paramref name="declaration"/>, when there is one.</summary>
    public static void ReadThrottle(DeclaredSection declaration, ThrottleGateOptions options)
    {
        if (declaration.GetSection("Throttle") is not { } throttle)
        {
            return;
        }

        options.Enabled = throttle.GetBoolean(nameof(options.Enabled)) ?? options.Enabled;
        options.BaseDelay = throttle.GetTimeSpan(nameof(options.BaseDelay)) ?? options.BaseDelay;
        options.MaxDelay = throttle.GetTimeSpan(nameof(options.MaxDelay)) ?? options.MaxDelay;
        options.InlineWait = throttle.GetTimeSpan(nameof(options.InlineWait)) ?? options.InlineWait;
    }
}
