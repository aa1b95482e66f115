using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// Bearer tokens from Google.Apis.Auth: the given credential, or application default credentials (resolved once, on first
/// use), scoped to <c>cloud-platform</c>. Google.Apis.Auth caches each token and refreshes it shortly before it expires, so
/// a call here costs a network round trip only when the token is due.
/// </summary>
/// <remarks>https://cloud.google.com/docs/authentication/application-default-credentials.</remarks>
internal sealed class GcpCredentials
{
    /// <summary>The OAuth scope of every Secret Manager and Cloud KMS call.</summary>
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly GoogleCredential? _configured;
    private ITokenAccess? _resolved;

    public GcpCredentials(GoogleCredential? credential)
    {
        _configured = credential;
        if (credential is not null)
        {
            _resolved = Scope(credential);
        }
    }

    /// <summary>Returns the project of a service-account credential, when the credential says.</summary>
    public static string? ProjectOf(GoogleCredential? credential) =>
        (credential?.UnderlyingCredential as ServiceAccountCredential)?.ProjectId;

    /// <summary>Returns a current access token.</summary>
    /// <param name="service">The service name, for the error message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token.</returns>
    public async Task<string> GetTokenAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            var access = await ResolveAsync(cancellationToken).ConfigureAwait(false);
            return await access.GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenResponseException ex)
        {
            throw new SecretStoreException($"{service}: Google rejected the credential's token request ({ex.Error?.Error ?? "no error code"}).", SecretErrorKind.Unauthenticated, service, errorCode: ex.Error?.Error, innerException: ex);
        }
        catch (InvalidOperationException ex)
        {
            // No application default credentials were found anywhere.
            throw new SecretStoreException($"{service}: no Google credential: set Credential, GOOGLE_APPLICATION_CREDENTIALS, run 'gcloud auth application-default login', or run on GCP. ({ex.Message})", SecretErrorKind.Unauthenticated, service, innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new SecretStoreException($"{service}: the token endpoint is unreachable ({ex.HttpRequestError}).", SecretErrorKind.Unavailable, service, innerException: ex);
        }
    }

    /// <summary>Returns the project of the application default credential, when it has one.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The project id, or <see langword="null"/>.</returns>
    public async Task<string?> GetProjectAsync(CancellationToken cancellationToken)
    {
        if (_configured is not null)
        {
            return ProjectOf(_configured);
        }

        await ResolveAsync(cancellationToken).ConfigureAwait(false);
        return _resolved is GoogleCredential google ? ProjectOf(google) : null;
    }

    private async ValueTask<ITokenAccess> ResolveAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _resolved) is { } resolved)
        {
            return resolved;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _resolved ??= Scope(await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false));
            return _resolved;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static GoogleCredential Scope(GoogleCredential credential) =>
        credential.IsCreateScopedRequired ? credential.CreateScoped(CloudPlatformScope) : credential;
}
