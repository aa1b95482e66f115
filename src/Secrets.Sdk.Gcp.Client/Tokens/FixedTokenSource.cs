namespace Secrets.Sdk.Gcp;

/// <summary>One access token given by the application (<see cref="GcpCredential.FromAccessToken"/>): never renewed.</summary>
internal sealed class FixedTokenSource : GcpTokenSource
{
    private readonly GcpAccessToken _token;
    private readonly TimeProvider _time;

    public FixedTokenSource(GcpAccessToken token, TimeProvider time)
    {
        _token = token;
        _time = time;
    }

    public override string Description => "the access token given to GcpCredential.FromAccessToken";

    public override Task<GcpAccessToken> FetchAsync(CancellationToken cancellationToken) =>
        _time.GetUtcNow() < _token.ExpiresOn
            ? Task.FromResult(_token)
            : Task.FromException<GcpAccessToken>(new SecretStoreException(
                $"GCP credentials: {Description} expired at {_token.ExpiresOn:O}; a fixed token is never renewed (use ApplicationDefault, a key file or FromTokenProvider).",
                SecretErrorKind.Unauthenticated,
                GcpCredential.ServiceName));
}
