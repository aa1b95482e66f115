using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// A small client for Google's JSON REST APIs (Secret Manager v1, Cloud KMS v1): bearer token from
/// <see cref="GcpCredentials"/>, no redirects, the answer read as a bounded stream into source-generated types, and errors
/// (<c>{"error":{"code","message","status"}}</c>, or any non-JSON page) turned into <see cref="SecretStoreException"/>
/// with a provider-neutral kind.
/// </summary>
/// <remarks>Error model: https://cloud.google.com/apis/design/errors#http_mapping.</remarks>
internal sealed class GcpRestClient : IDisposable
{
    /// <summary>The largest answer read (the design's trust boundary for an HTTP body).</summary>
    public const int DefaultMaxResponseBytes = 4 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly GcpCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly int _maxResponseBytes;

    public GcpRestClient(HttpClient http, Uri endpoint, GcpCredentials credentials, string service, TimeProvider time, int maxResponseBytes = DefaultMaxResponseBytes)
    {
        _http = http;
        _endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        _credentials = credentials;
        Service = service;
        _time = time;
        _maxResponseBytes = maxResponseBytes;
    }

    /// <summary>Gets the service's display name for errors (for example <c>GCP Secret Manager</c>).</summary>
    public string Service { get; }

    /// <summary>Gets the endpoint's scheme and authority, for messages (never a path or query).</summary>
    public string Authority => _endpoint.GetLeftPart(UriPartial.Authority);

    /// <summary>Creates the HTTP client every GCP client uses: pooled connections recycled every 5 minutes (DNS changes), a connect timeout, no redirects.</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.GZip,
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Sends a request and reads its JSON answer.</summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="method">GET or POST.</param>
    /// <param name="pathAndQuery">The path below the endpoint, already escaped (for example <c>v1/projects/p/secrets</c>).</param>
    /// <param name="body">The JSON body of a POST, or <see langword="null"/>.</param>
    /// <param name="type">The answer's JSON type.</param>
    /// <param name="operation">The operation for messages (for example <c>access</c>).</param>
    /// <param name="subject">The secret or key concerned, for messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    public async Task<T> SendAsync<T>(HttpMethod method, string pathAndQuery, byte[]? body, JsonTypeInfo<T> type, string operation, string? subject, CancellationToken cancellationToken)
        where T : class
    {
        var token = await _credentials.GetTokenAsync(Service, cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, new Uri(_endpoint, pathAndQuery));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new SecretStoreException($"{Service} ({Authority}) is unreachable for {operation}: {ex.HttpRequestError}.", SecretErrorKind.Unavailable, Service, subject, innerException: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException($"{Service} {operation} timed out ({Authority}).", SecretErrorKind.Timeout, Service, subject, innerException: ex);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400)
            {
                throw new SecretStoreException($"{Service} {operation} answered with redirect {status}; redirects are never followed with credentials.", SecretErrorKind.InvalidResponse, Service, subject, status);
            }

            var bytes = await ReadBoundedAsync(response, operation, subject, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return JsonSerializer.Deserialize(bytes, type)
                        ?? throw new SecretStoreException($"{Service} {operation} returned an empty body.", SecretErrorKind.InvalidResponse, Service, subject, status);
                }
                catch (JsonException ex)
                {
                    throw new SecretStoreException($"{Service} {operation} returned malformed JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0}).", SecretErrorKind.InvalidResponse, Service, subject, status);
                }
            }

            throw Error(operation, subject, response, bytes);
        }
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
        _ => code switch
        {
            404 => SecretErrorKind.NotFound,
            403 => SecretErrorKind.AccessDenied,
            401 => SecretErrorKind.Unauthenticated,
            429 => SecretErrorKind.Throttled,
            408 or 504 => SecretErrorKind.Timeout,
            >= 500 => SecretErrorKind.Unavailable,
            400 => SecretErrorKind.InvalidRequest,
            _ => SecretErrorKind.Unknown,
        },
    };

    public void Dispose() => _http.Dispose();

    private SecretStoreException Error(string operation, string? subject, HttpResponseMessage response, byte[] bytes)
    {
        var code = (int)response.StatusCode;
        GoogleError? error = null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                error = JsonSerializer.Deserialize(bytes, GcpJsonContext.Default.GoogleErrorResponse)?.Error;
            }
            catch (JsonException)
            {
                // Not Google's error shape: the HTTP status alone classifies it.
            }
        }

        var target = subject is null ? string.Empty : $" for '{subject}'";
        var detail = error is null
            ? $"a non-JSON answer ({mediaType ?? "no content type"})"
            : $"{error.Status ?? "no status"}: {error.Message ?? "no message"}";
        return new SecretStoreException(
            $"{Service} {operation}{target} failed with {code} {detail}",
            Classify(error?.Status, code),
            Service,
            subject,
            code,
            error?.Status,
            RetryAfter(response));
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        return header.Date is { } date && date > _time.GetUtcNow() ? date - _time.GetUtcNow() : null;
    }

    private async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, string operation, string? subject, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is { } length && length > _maxResponseBytes)
        {
            throw TooLarge(operation, subject, (int)response.StatusCode);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > _maxResponseBytes)
                {
                    throw TooLarge(operation, subject, (int)response.StatusCode);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private SecretStoreException TooLarge(string operation, string? subject, int status) =>
        new($"{Service} {operation} answered with more than {_maxResponseBytes} bytes; the answer was not read.", SecretErrorKind.InvalidResponse, Service, subject, status);
}
