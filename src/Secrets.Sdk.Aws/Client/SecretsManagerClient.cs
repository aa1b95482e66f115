using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Secrets.Sdk.Aws;

/// <summary>
/// A small client for the Secrets Manager JSON 1.1 protocol (<c>POST /</c>, <c>X-Amz-Target: secretsmanager.*</c>),
/// signed with SigV4 using credentials from AWSSDK.Core's chain. Errors (<c>__type</c>) become
/// <see cref="SecretStoreException"/> with the AWS error code and a provider-neutral kind.
/// </summary>
/// <remarks>https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html.</remarks>
internal sealed class SecretsManagerClient : IDisposable
{
    private const string ContentType = "application/x-amz-json-1.1";
    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly Func<CancellationToken, ValueTask<AwsSigningCredentials>> _credentials;
    private readonly TimeProvider _time;

    public SecretsManagerClient(HttpClient http, Uri endpoint, string region, Func<CancellationToken, ValueTask<AwsSigningCredentials>> credentials, TimeProvider time)
    {
        _http = http;
        _endpoint = endpoint;
        Region = region;
        _credentials = credentials;
        _time = time;
    }

    public string Region { get; }

    public string Name => $"aws-secretsmanager:{Region}";

    public async Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, string? secretId, CancellationToken cancellationToken)
        where TResponse : class
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var credentials = await _credentials(cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["host"] = _endpoint.Authority,
            ["content-type"] = ContentType,
            ["x-amz-target"] = "secretsmanager." + operation,
        };
        SigV4Signer.Sign(headers, "POST", "/", string.Empty, body, credentials, Region, "secretsmanager", _time.GetUtcNow());

        using var message = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        foreach (var (name, value) in headers)
        {
            if (name is not ("host" or "content-type"))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SecretStoreException($"AWS Secrets Manager ({_endpoint}) is unreachable for {operation}: {ex.HttpRequestError}.", SecretErrorKind.Unavailable, Name, secretId, innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException($"AWS Secrets Manager {operation} timed out.", SecretErrorKind.Timeout, Name, secretId, innerException: ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false)
                        ?? throw new SecretStoreException($"AWS Secrets Manager {operation} returned an empty body.", SecretErrorKind.InvalidResponse, Name, secretId);
                }
                catch (JsonException ex)
                {
                    throw new SecretStoreException($"AWS Secrets Manager {operation} returned malformed JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0}).", SecretErrorKind.InvalidResponse, Name, secretId, (int)response.StatusCode);
                }
            }

            throw await ErrorAsync(operation, response, secretId, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Maps an AWS error code (<c>__type</c>, namespace prefix removed) to a kind.</summary>
    public static SecretErrorKind Classify(string? code, int status) => code switch
    {
        "ResourceNotFoundException" => SecretErrorKind.NotFound,
        "AccessDeniedException" => SecretErrorKind.AccessDenied,
        "DecryptionFailure" => SecretErrorKind.DecryptionFailure,
        "InvalidRequestException" or "InvalidParameterException" or "ValidationException" => SecretErrorKind.InvalidRequest,
        "ThrottlingException" or "TooManyRequestsException" or "RequestLimitExceeded" => SecretErrorKind.Throttled,
        "UnrecognizedClientException" or "InvalidSignatureException" or "ExpiredTokenException" or "IncompleteSignature" => SecretErrorKind.Unauthenticated,
        "InternalServiceError" or "InternalFailure" or "ServiceUnavailable" => SecretErrorKind.Unavailable,
        _ when status >= 500 => SecretErrorKind.Unavailable,
        _ when status == 429 => SecretErrorKind.Throttled,
        _ => SecretErrorKind.Unknown,
    };

    private async Task<SecretStoreException> ErrorAsync(string operation, HttpResponseMessage response, string? secretId, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        AwsErrorResponse? error = null;
        try
        {
            error = await response.Content.ReadFromJsonAsync(SecretsManagerJsonContext.Default.AwsErrorResponse, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's error page): the status alone classifies it.
        }

        var code = error?.Type is { } type ? type[(type.LastIndexOf('#') + 1)..] : null;
        var text = error?.Message ?? error?.LowerMessage ?? "no message";
        var target = secretId is null ? string.Empty : $" for secret '{secretId}'";
        return new SecretStoreException(
            $"AWS Secrets Manager {operation}{target} failed with {status} {code ?? "error"}: {text}",
            Classify(code, status),
            Name,
            secretId,
            status,
            code,
            response.Headers.RetryAfter?.Delta);
    }
}
