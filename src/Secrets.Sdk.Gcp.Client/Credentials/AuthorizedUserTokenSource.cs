using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// gcloud's user credentials (<c>"type": "authorized_user"</c>, written by <c>gcloud auth application-default login</c>):
/// each token comes from the <c>refresh_token</c> grant at the file's <c>token_uri</c> (default Google's).
/// </summary>
/// <remarks>https://developers.google.com/identity/protocols/oauth2/native-app#offline (refreshing an access token).</remarks>
internal sealed class AuthorizedUserTokenSource : GcpTokenSource
{
    private readonly Uri _tokenUri;
    private readonly Dictionary<string, string> _form;
    private readonly TimeProvider _time;
    private readonly BackendHttpClient _http;

    public AuthorizedUserTokenSource(CredentialFileJson file, string path, GcpCredentialOptions options)
    {
        var clientId = Required(file.ClientId, "client_id", path);
        Description = $"gcloud user credentials (file '{path}', client '{clientId}')";
        _form = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = clientId,
            ["client_secret"] = Required(file.ClientSecret, "client_secret", path),
            ["refresh_token"] = Required(file.RefreshToken, "refresh_token", path),
        };
        _tokenUri = ServiceAccountTokenSource.TokenUri(file.TokenUri, path);
        _time = options.TimeProvider;
        _http = BackendHttpClient.Create(_tokenUri, "GCP OAuth token endpoint", GcpCredential.ServiceName, options.Http, BackendRedirectPolicy.Never, options.TimeProvider);
    }

    public override string Description { get; }

    public override Task<GcpAccessToken> FetchAsync(CancellationToken cancellationToken) =>
        TokenAnswer.SendAsync(_http, new HttpRequestMessage(HttpMethod.Post, _tokenUri) { Content = new FormUrlEncodedContent(_form) }, Description, _time, null, cancellationToken);

    public override void Dispose() => _http.Dispose();

    private static string Required(string? value, string field, string path) =>
        string.IsNullOrWhiteSpace(value)
            ? throw CredentialFileReader.Error($"the user credential file '{path}' has no '{field}'")
            : value;
}
