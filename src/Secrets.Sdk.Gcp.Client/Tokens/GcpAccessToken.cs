namespace Secrets.Sdk.Gcp;

/// <summary>An OAuth 2.0 access token for Google APIs and the moment it stops being accepted.</summary>
/// <remarks><see cref="ToString"/> never shows the token.</remarks>
public sealed class GcpAccessToken
{
    /// <summary>Creates a token.</summary>
    /// <param name="token">The bearer token.</param>
    /// <param name="expiresOn">When Google stops accepting it.</param>
    /// <exception cref="ArgumentException"><paramref name="token"/> is empty or spans several lines.</exception>
    public GcpAccessToken(string token, DateTimeOffset expiresOn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        if (token.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("An access token cannot contain a line break.", nameof(token));
        }

        Token = token;
        ExpiresOn = expiresOn;
    }

    /// <summary>Gets the bearer token.</summary>
    public string Token { get; }

    /// <summary>Gets when Google stops accepting the token.</summary>
    public DateTimeOffset ExpiresOn { get; }

    /// <summary>Describes the token without showing it.</summary>
    /// <returns>The expiry, never the token.</returns>
    public override string ToString() => $"GCP access token (expires {ExpiresOn:O})";
}
