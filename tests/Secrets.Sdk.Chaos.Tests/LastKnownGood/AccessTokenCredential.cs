using Azure.Core;

namespace Secrets.Sdk.Chaos.Tests.LastKnownGood;

/// <summary>A credential that always gives the emulator's access token (valid for an hour from now).</summary>
internal sealed class AccessTokenCredential(string token) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(token, DateTimeOffset.UtcNow.AddHours(1));

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        new(GetToken(requestContext, cancellationToken));
}
