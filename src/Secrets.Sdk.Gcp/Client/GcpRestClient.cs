using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// A small client for Google's JSON REST APIs (Secret Manager v1, Cloud KMS v1) over the backend kit (bounded answers,
/// no redirects, classified transport failures, Retry-After): it adds the bearer token of a <see cref="GcpCredential"/>,
/// and turns Google's error body (<c>{"error":{"code","message","status"}}</c>) — or any answer that is not one, such as
/// the front end's HTML 404 page — into a <see cref="SecretStoreException"/> with a provider-neutral kind.
/// </summary>
/// <remarks>Error model: https://cloud.google.com/apis/design/errors#http_mapping.</remarks>
internal sealed class GcpRestClient : IDisposable
{
    private readonly BackendHttpClient _http;
    private readonly GcpCredential _credential;
    private readonly GcpCredential? _owned;

    /// <summary>Creates the client.</summary>
    /// <param name="http">The kit client of the service's endpoint; disposed with this client.</param>
    /// <param name="credential">The credential the tokens come from.</param>
    /// <param name="owned">A credential this client created and so disposes (application default credentials), or <see langword="null"/>.</param>
    public GcpRestClient(BackendHttpClient http, GcpCredential credential, GcpCredential? owned = null)
    {
        _http = http;
        _credential = credential;
        _owned = owned;
    }

    /// <summary>Gets the credential the tokens come from.</summary>
    public GcpCredential Credential => _credential;

    /// <summary>Gets the kit client (value limits, page guards, classified errors).</summary>
    public BackendHttpClient Http => _http;

    /// <summary>Gets the service's display name for errors (for example <c>GCP Secret Manager</c>).</summary>
    public string Service => _http.ServiceName;

    /// <summary>Sends a request and reads its JSON answer.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="method">GET or POST.</param>
    /// <param name="pathAndQuery">The path below the endpoint, already escaped (for example <c>v1/projects/p/secrets</c>).</param>
    /// <param name="body">The JSON body of a POST, or <see langword="null"/>.</param>
    /// <param name="type">The answer's JSON type.</param>
    /// <param name="operation">The operation and the secret or key concerned, for messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    public async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, byte[]? body, JsonTypeInfo<T> type, BackendOperation operation, CancellationToken cancellationToken)
        where T : class
    {
        var token = await _credential.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, new Uri(pathAndQuery, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = BackendHttpClient.CreateJsonContent(body);
        }

        using var response = await _http.SendAsync(request, operation, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response.ReadJson(type);
        }

        var error = response.TryReadJson(GoogleErrorJsonContext.Default.GoogleErrorResponse)?.Error;
        if (error?.Status is null && error?.Message is null)
        {
            // Not Google's error shape (the front end's HTML 404 page for a malformed path, a proxy's page): the status decides.
            throw response.CreateError(null, "the answer is not Google's JSON error body", Classify(null, response.StatusCode));
        }

        throw response.CreateError(error.Status, error.Message, Classify(error.Status, response.StatusCode));
    }

    /// <summary>Maps a Google error status (<c>NOT_FOUND</c>, ...) or, without one, the HTTP status to a kind.</summary>
    /// <param name="status">The canonical status string, when the body had one.</param>
    /// <param name="code">The HTTP status.</param>
    /// <returns>The kind.</returns>
    public static SecretErrorKind Classify(string? status, int code) => status switch
    {
        "NOT_FOUND" => SecretErrorKind.NotFound,
        "PERMISSION_DENIED" => SecretErrorKind.AccessDenied,
        "UNAUTHENTICATED" => SecretErrorKind.Unauthenticated,
        "RESOURCE_EXHAUSTED" => SecretErrorKind.Throttled,
        "UNAVAILABLE" or "INTERNAL" or "ABORTED" => SecretErrorKind.Unavailable,
        "DEADLINE_EXCEEDED" => SecretErrorKind.Timeout,
        "INVALID_ARGUMENT" or "OUT_OF_RANGE" or "ALREADY_EXISTS" => SecretErrorKind.InvalidRequest,
        "FAILED_PRECONDITION" => SecretErrorKind.Disabled, // a DISABLED or DESTROYED version, a disabled KMS key version
        "DATA_LOSS" => SecretErrorKind.InvalidResponse,
        _ => BackendErrorClassifier.FromStatus(code),
    };

    public void Dispose()
    {
        _http.Dispose();
        _owned?.Dispose();
    }
}
