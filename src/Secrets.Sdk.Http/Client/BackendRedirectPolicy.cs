namespace Secrets.Sdk.Http;

/// <summary>What a <see cref="BackendHttpClient"/> does with a redirect (3xx with <c>Location</c>).</summary>
public enum BackendRedirectPolicy
{
    /// <summary>Never follow: a redirect is an <see cref="SecretErrorKind.InvalidResponse"/> error naming both locations (AWS, GCP, Azure).</summary>
    Never = 0,

    /// <summary>
    /// Follow one 307 or 308 per call, only to the same scheme (never HTTPS to HTTP) and only to an address that passes the
    /// plain-HTTP rule, resending the request with its headers (Vault's standby node pointing to the active node).
    /// A second redirect, or any other redirect, is an error naming both locations.
    /// </summary>
    SameSchemeOnce = 1,
}
