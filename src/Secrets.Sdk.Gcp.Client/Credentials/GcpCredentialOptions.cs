using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>Settings of the credentials <see cref="GcpCredential"/> creates: the clock and the HTTP calls to token endpoints.</summary>
public sealed class GcpCredentialOptions
{
    /// <summary>The largest answer read from a token endpoint or the metadata server: 64 KiB (a token answer is about 2 KiB).</summary>
    public const int DefaultMaxResponseBytes = 64 * 1024;

    /// <summary>Gets or sets the clock token expiry is measured on. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Gets the HTTP settings of token requests (handler hooks, proxy, CA bundle, timeouts). Defaults: answers up to
    /// <see cref="DefaultMaxResponseBytes"/>, 30 s per request, 5 s to connect.
    /// </summary>
    public BackendHttpOptions Http { get; } = new()
    {
        MaxResponseBytes = DefaultMaxResponseBytes,
        MaxSecretBytes = DefaultMaxResponseBytes,
        RequestTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };
}
