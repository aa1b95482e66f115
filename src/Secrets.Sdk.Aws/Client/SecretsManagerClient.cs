using System.Text.Json.Serialization.Metadata;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Aws;

/// <summary>
/// A small client for the Secrets Manager JSON 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: secretsmanager.*</c>),
/// signed with SigV4 using credentials from AWSSDK.Core's chain, over the backend kit (bounded answers, no redirects,
/// classified transport failures). Errors (<c>__type</c>) become <see cref="SecretStoreException"/> with the AWS error
/// code and a provider-neutral kind.
/// </summary>
/// <remarks>https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html.</remarks>
internal sealed class SecretsManagerClient : IDisposable
{
    private const string ContentType = "application/x-amz-json-1.1";
    private readonly BackendHttpClient _http;
    private readonly Uri _endpoint;
    private readonly Func<CancellationToken, ValueTask<AwsSigningCredentials>> _credentials;
    private readonly TimeProvider _time;

    public SecretsManagerClient(BackendHttpClient http, Uri endpoint, string region, Func<CancellationToken, ValueTask<AwsSigningCredentials>> credentials, TimeProvider time)
    {
        _http = http;
        _endpoint = endpoint;
        Region = region;
        _credentials = credentials;
        _time = time;
    }

    public string Region { get; }

    public string Name => _http.StoreName;

    /// <summary>Gets the kit client, for value limits, page guards and classified errors.</summary>
    public BackendHttpClient Http => _http;

    public async Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, string? secretId, CancellationToken cancellationToken)
        where TResponse : class
    {
        var call = new BackendOperation(operation, secretId);
        var body = BackendHttpClient.SerializeJson(request, requestType);
        var credentials = await _credentials(cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = _endpoint.Authority,
            ["content-type"] = ContentType,
            ["x-amz-target"] = "secretsmanager." + operation,
        };
        SigV4Signer.Sign(headers, "POST", "/", string.Empty, body, credentials, Region, "secretsmanager", _time.GetUtcNow());

        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = BackendHttpClient.CreateJsonContent(body, ContentType) };
        foreach (var (name, value) in headers)
        {
            if (name is not ("host" or "content-type"))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _http.SendAsync(message, call, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response.ReadJson(responseType);
        }

        var error = response.TryReadJson(SecretsManagerJsonContext.Default.AwsErrorResponse);
        var code = error?.Type is { } type ? type[(type.LastIndexOf('#') + 1)..] : null;
        throw response.CreateError(code, error?.Message ?? error?.LowerMessage, Classify(code, response.StatusCode));
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Maps an AWS error code (<c>__type</c>, namespace prefix removed) to a kind; other codes by status.</summary>
    public static SecretErrorKind Classify(string? code, int status) => code switch
    {
        "ResourceNotFoundException" => SecretErrorKind.NotFound,
        "AccessDeniedException" => SecretErrorKind.AccessDenied,
        "DecryptionFailure" => SecretErrorKind.DecryptionFailure,
        "InvalidRequestException" or "InvalidParameterException" or "ValidationException" => SecretErrorKind.InvalidRequest,
        "ThrottlingException" or "TooManyRequestsException" or "RequestLimitExceeded" => SecretErrorKind.Throttled,
        "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException" or "IncompleteSignature" => SecretErrorKind.Unauthenticated,
        "InternalServiceError" or "InternalFailure" or "ServiceUnavailable" => SecretErrorKind.Unavailable,
        _ => BackendErrorClassifier.FromStatus(status),
    };
}
