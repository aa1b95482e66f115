using Azure.Core;

namespace Secrets.Sdk.Azure.Tests;

/// <summary>A credential that returns one fixed token and counts how often it was asked (and for which scopes).</summary>
internal sealed class FixedTokenCredential(string token) : TokenCredential
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public string[] LastScopes { get; private set; } = [];

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        LastScopes = requestContext.Scopes;
        return new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
