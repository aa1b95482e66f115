namespace Secrets.Sdk.Gcp;

/// <summary>
/// A Google Cloud credential: where Secrets.Sdk's GCP packages get OAuth 2.0 access tokens (scope <c>cloud-platform</c>).
/// Tokens are cached and renewed shortly before they expire, one request at a time however many callers wait. Create one
/// per application and share it; dispose it with the application.
/// </summary>
/// <remarks>
/// No dependency on Google.Apis.Auth: the credential chain is implemented here (trimmable, Native AOT compatible). An
/// application that already uses Google.Apis.Auth can hand its tokens over with <see cref="FromTokenProvider"/>.
/// Errors are <see cref="SecretStoreException"/>s that name the key file, its type or the endpoint, never a key or a token.
/// </remarks>
public sealed class GcpCredential : IDisposable
{
    /// <summary>The store name set on credential errors.</summary>
    internal const string ServiceName = "gcp-credentials";

    private readonly GcpTokenSource _source;
    private readonly TokenCache _cache;

    internal GcpCredential(GcpTokenSource source, TimeProvider time)
    {
        _source = source;
        _cache = new TokenCache(source.FetchAsync, time);
    }

    /// <summary>Gets what the credential is (for logs; never a secret).</summary>
    public string Description => _source.Description;

    /// <summary>Gets the token source (tests).</summary>
    internal GcpTokenSource Source => _source;

    /// <summary>
    /// Application default credentials, resolved at the first token request in Google's order: the file named by
    /// <c>GOOGLE_APPLICATION_CREDENTIALS</c> (a service-account key or gcloud user credentials), else gcloud's well-known
    /// file (<c>gcloud auth application-default login</c>), else the metadata server (Compute Engine, GKE Workload
    /// Identity, Cloud Run; <c>GCE_METADATA_HOST</c> names another). Workload identity federation files
    /// (<c>external_account</c>) fail with a message pointing at <see cref="FromTokenProvider"/>.
    /// </summary>
    /// <param name="options">The clock and HTTP settings of token requests; default the system clock and bounded defaults.</param>
    /// <returns>The credential.</returns>
    /// <remarks>https://cloud.google.com/docs/authentication/application-default-credentials.</remarks>
    public static GcpCredential ApplicationDefault(GcpCredentialOptions? options = null) =>
        ApplicationDefault(options ?? new GcpCredentialOptions(), GcpCredentialEnvironment.Process);

    /// <summary>
    /// A service-account key file (JSON, <c>"type": "service_account"</c>): each token is bought with an RS256-signed JWT
    /// assertion posted to the key's <c>token_uri</c>. The file is read (at most 64 KiB) and its key checked now.
    /// </summary>
    /// <param name="path">The key file.</param>
    /// <param name="options">The clock and HTTP settings of token requests.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="SecretStoreException">The file cannot be read, is not JSON, is not a service-account key, or its key is not a PEM RSA key.</exception>
    /// <remarks>https://developers.google.com/identity/protocols/oauth2/service-account.</remarks>
    public static GcpCredential FromServiceAccountKeyFile(string path, GcpCredentialOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new GcpCredentialOptions();
        return new GcpCredential(ApplicationDefaultTokenSource.FromFile(path, nameof(FromServiceAccountKeyFile), options, allowUser: false), options.TimeProvider);
    }

    /// <summary>A fixed access token, never renewed: for tests and short tools. After <paramref name="expiresOn"/> every call fails.</summary>
    /// <param name="accessToken">The bearer token.</param>
    /// <param name="expiresOn">When it expires; default never.</param>
    /// <param name="timeProvider">The clock; default the system clock.</param>
    /// <returns>The credential.</returns>
    public static GcpCredential FromAccessToken(string accessToken, DateTimeOffset? expiresOn = null, TimeProvider? timeProvider = null) =>
        new(new FixedTokenSource(new GcpAccessToken(accessToken, expiresOn ?? DateTimeOffset.MaxValue), timeProvider ?? TimeProvider.System), timeProvider ?? TimeProvider.System);

    /// <summary>
    /// Tokens from the application's own code (Google.Apis.Auth, a workload identity federation library, a sidecar). Each
    /// token is cached until shortly before its <see cref="GcpAccessToken.ExpiresOn"/>; one call runs at a time and is
    /// bounded to one minute.
    /// </summary>
    /// <param name="provider">Returns a token for the <c>https://www.googleapis.com/auth/cloud-platform</c> scope.</param>
    /// <param name="timeProvider">The clock expiry is measured on; default the system clock.</param>
    /// <returns>The credential.</returns>
    public static GcpCredential FromTokenProvider(Func<CancellationToken, ValueTask<GcpAccessToken>> provider, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var time = timeProvider ?? TimeProvider.System;
        return new GcpCredential(new ProviderTokenSource(provider, time), time);
    }

    /// <summary>Returns a current access token: the cached one, or a new one when it is due for renewal.</summary>
    /// <param name="cancellationToken">Stops waiting (a token request already under way completes for other callers).</param>
    /// <returns>The token.</returns>
    /// <exception cref="SecretStoreException">No token could be had; the message names the credential and the endpoint.</exception>
    public ValueTask<GcpAccessToken> GetAccessTokenAsync(CancellationToken cancellationToken = default) => _cache.GetAsync(cancellationToken);

    /// <summary>Returns the project the credential belongs to, when it says: a service-account key's <c>project_id</c>, or the metadata server's project.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The project id, or <see langword="null"/>.</returns>
    public ValueTask<string?> GetProjectIdAsync(CancellationToken cancellationToken = default) => _source.GetProjectIdAsync(cancellationToken);

    /// <summary>Releases the HTTP clients of the token endpoints.</summary>
    public void Dispose() => _source.Dispose();

    /// <summary>Describes the credential without any secret.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Description;

    /// <summary>Application default credentials over <paramref name="environment"/> (tests pass their own variables).</summary>
    internal static GcpCredential ApplicationDefault(GcpCredentialOptions options, GcpCredentialEnvironment environment) =>
        new(new ApplicationDefaultTokenSource(options, environment), options.TimeProvider);
}
