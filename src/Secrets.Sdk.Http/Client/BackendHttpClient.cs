using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Secrets.Sdk.Http;

/// <summary>
/// Sends a backend's requests and reads its answers within the limits of <see cref="BackendHttpOptions"/>: the whole
/// call under <see cref="BackendHttpOptions.RequestTimeout"/>, the body read as a stream up to
/// <see cref="BackendHttpOptions.MaxResponseBytes"/>, redirects refused (or, under
/// <see cref="BackendRedirectPolicy.SameSchemeOnce"/>, one followed), and every transport failure turned into a
/// <see cref="SecretStoreException"/> of the right <see cref="SecretErrorKind"/>. It also turns the values in an answer
/// into <see cref="SecretValue"/>s within <see cref="BackendHttpOptions.MaxSecretBytes"/>.
/// </summary>
/// <remarks>
/// A backend builds its request (path, headers, signature), calls <see cref="SendAsync"/>, and for a 2xx answer reads it
/// with <see cref="BackendResponse.ReadJson{T}"/>; for an error answer it parses its own error body with
/// <see cref="BackendResponse.TryReadJson{T}"/> and throws <see cref="BackendResponse.CreateError"/>.
/// </remarks>
public sealed class BackendHttpClient : IDisposable
{
    private const int MaxRedirectsFollowed = 1;
    private readonly HttpClient _http;
    private readonly bool _disposeHttpClient;
    private readonly TimeProvider _time;

    /// <summary>Creates a client over an existing <see cref="HttpClient"/> (normally one from <see cref="BackendHttpClientFactory"/>).</summary>
    /// <param name="httpClient">The HTTP client; it must not follow redirects by itself.</param>
    /// <param name="serviceName">The service, as messages name it (for example <c>Vault</c>).</param>
    /// <param name="storeName">The store's display name, set on every exception.</param>
    /// <param name="options">Limits and timeouts.</param>
    /// <param name="redirectPolicy">What to do with redirects. Default: never follow.</param>
    /// <param name="timeProvider">The clock for the call timeout and HTTP-date Retry-After values. Default: the system clock.</param>
    /// <param name="disposeHttpClient">Whether <see cref="Dispose"/> disposes <paramref name="httpClient"/>.</param>
    public BackendHttpClient(
        HttpClient httpClient,
        string serviceName,
        string storeName,
        BackendHttpOptions options,
        BackendRedirectPolicy redirectPolicy = BackendRedirectPolicy.Never,
        TimeProvider? timeProvider = null,
        bool disposeHttpClient = true)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        _disposeHttpClient = disposeHttpClient;
        _time = timeProvider ?? TimeProvider.System;
        ServiceName = serviceName;
        StoreName = storeName;
        Options = options;
        RedirectPolicy = redirectPolicy;
    }

    /// <summary>Gets the service, as messages name it.</summary>
    public string ServiceName { get; }

    /// <summary>Gets the store's display name.</summary>
    public string StoreName { get; }

    /// <summary>Gets the limits and timeouts.</summary>
    public BackendHttpOptions Options { get; }

    /// <summary>Gets what the client does with redirects.</summary>
    public BackendRedirectPolicy RedirectPolicy { get; }

    /// <summary>Gets the base address requests are relative to, when the HTTP client has one.</summary>
    public Uri? BaseAddress => _http.BaseAddress;

    /// <summary>Builds the HTTP client for <paramref name="endpoint"/> with <see cref="BackendHttpClientFactory"/> and wraps it.</summary>
    /// <param name="endpoint">The service's base address.</param>
    /// <param name="serviceName">The service, as messages name it.</param>
    /// <param name="storeName">The store's display name.</param>
    /// <param name="options">Connection settings, limits and hooks.</param>
    /// <param name="redirectPolicy">What to do with redirects. Default: never follow.</param>
    /// <param name="timeProvider">The clock. Default: the system clock.</param>
    /// <returns>The client; dispose it with its store.</returns>
    /// <exception cref="ArgumentException">The endpoint uses plain HTTP to a non-loopback host without <see cref="BackendHttpOptions.AllowInsecureHttp"/>, or an option is out of range.</exception>
    public static BackendHttpClient Create(Uri endpoint, string serviceName, string storeName, BackendHttpOptions options, BackendRedirectPolicy redirectPolicy = BackendRedirectPolicy.Never, TimeProvider? timeProvider = null) =>
        new(BackendHttpClientFactory.CreateHttpClient(endpoint, options), serviceName, storeName, options, redirectPolicy, timeProvider);

    /// <summary>Serializes <paramref name="value"/> as UTF-8 JSON with source-generated metadata.</summary>
    /// <typeparam name="T">The request's type.</typeparam>
    /// <param name="value">The request.</param>
    /// <param name="typeInfo">Its source-generated metadata.</param>
    /// <returns>The UTF-8 bytes (to sign, or to wrap with <see cref="CreateJsonContent(byte[], string)"/>).</returns>
    public static byte[] SerializeJson<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    /// <summary>Wraps UTF-8 JSON bytes as request content of <paramref name="mediaType"/>.</summary>
    /// <param name="utf8Json">The bytes.</param>
    /// <param name="mediaType">The media type. Default: <c>application/json</c>.</param>
    /// <returns>The content; it can be sent again when a redirect is followed.</returns>
    public static ByteArrayContent CreateJsonContent(byte[] utf8Json, string mediaType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        var content = new ByteArrayContent(utf8Json);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads the whole answer within the limits. Any status comes back as a
    /// <see cref="BackendResponse"/>, except redirects, which are followed or refused by <see cref="RedirectPolicy"/>.
    /// </summary>
    /// <param name="request">The request; its content must be re-sendable (for example <see cref="ByteArrayContent"/>) when redirects may be followed.</param>
    /// <param name="operation">What the call is for, for error messages.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer; dispose it.</returns>
    /// <exception cref="SecretStoreException">
    /// The server is unreachable or the connection broke (<see cref="SecretErrorKind.Unavailable"/>), the call timed out
    /// (<see cref="SecretErrorKind.Timeout"/>), or the answer was too large or a refused redirect
    /// (<see cref="SecretErrorKind.InvalidResponse"/>).
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<BackendResponse> SendAsync(HttpRequestMessage request, BackendOperation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = new CancellationTokenSource(Options.RequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var current = request;
        var redirects = 0;
        ThrottlePass? pass = null;
        try
        {
            pass = await EnterGateAsync(request, operation, linked.Token).ConfigureAwait(false);
            while (true)
            {
                var target = Absolute(current.RequestUri);
                HttpResponseMessage response;
                try
                {
                    response = await _http.SendAsync(current, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && BackendErrorClassifier.IsTransportFailure(ex))
                {
                    throw Unreachable(operation, target, ex);
                }

                var keep = false;
                try
                {
                    var sent = target;
                    var retryAfter = RetryAfterParser.Parse(response.Headers, _time.GetUtcNow());
                    if (response.RequestMessage?.RequestUri is { } answered && sent is not null && answered != sent)
                    {
                        throw InvalidResponse(operation, $"was answered from {UrlRedaction.Redact(answered)} instead of {UrlRedaction.Redact(sent)}: the HTTP handler followed a redirect by itself (set AllowAutoRedirect = false on it)", (int)response.StatusCode);
                    }

                    var status = (int)response.StatusCode;
                    if (status is >= 300 and <= 399 && status != 304)
                    {
                        var next = RedirectTarget(operation, sent, response, redirects);
                        var followed = Clone(current, next);
                        if (!ReferenceEquals(current, request))
                        {
                            current.Content = null; // Shared with the caller's request, which owns it.
                            current.Dispose();
                        }

                        current = followed;
                        redirects++;
                        continue;
                    }

                    (byte[] Buffer, int Length)? body;
                    try
                    {
                        body = await BoundedContentReader.ReadAsync(response.Content, Options.MaxResponseBytes, linked.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException && BackendErrorClassifier.IsTransportFailure(ex))
                    {
                        throw new SecretStoreException(
                            $"{ServiceName} {operation}: the connection to {UrlRedaction.Redact(sent)} broke while reading the answer ({Describe(ex)}).",
                            BackendErrorClassifier.FromTransport(ex),
                            StoreName,
                            operation.SecretName,
                            status,
                            innerException: ex);
                    }

                    if (status == 429)
                    {
                        pass?.Throttled(retryAfter);
                    }
                    else
                    {
                        // Hand a probe's slot on now: the caller may call this endpoint again before it disposes the
                        // answer (Vault checks its token after a 403). A throttling code in the body still closes the
                        // gate through CreateError.
                        pass?.Answered(response.IsSuccessStatusCode);
                    }

                    if (body is not { } read)
                    {
                        throw InvalidResponse(operation, $"answered {status} with a body larger than {Options.MaxResponseBytes} bytes (MaxResponseBytes); it was not read further", status);
                    }

                    keep = true;
                    var answer = new BackendResponse(this, operation, response, read.Buffer, read.Length, retryAfter, pass); // CreateError may still find a throttle
                    pass = null;
                    return answer;
                }
                finally
                {
                    if (!keep)
                    {
                        response.Dispose();
                    }
                }
            }
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException(
                $"{ServiceName} {operation} timed out after {Options.RequestTimeout.TotalSeconds:0.###} s ({UrlRedaction.Redact(Absolute(current.RequestUri))}).",
                SecretErrorKind.Timeout,
                StoreName,
                operation.SecretName,
                innerException: ex);
        }
        finally
        {
            pass?.Abandoned(); // no answer handed on: a probe's slot goes to the next call
            if (!ReferenceEquals(current, request))
            {
                current.Content = null;
                current.Dispose();
            }
        }
    }

    /// <summary>Turns a text value of an answer into a secret value, within <see cref="BackendHttpOptions.MaxSecretBytes"/>.</summary>
    /// <param name="text">The value; <see langword="null"/> means the field was missing.</param>
    /// <param name="operation">The operation and secret, for errors.</param>
    /// <param name="field">The field's name, for errors.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SecretStoreException">The field is missing or the value is too large (<see cref="SecretErrorKind.InvalidResponse"/>).</exception>
    public SecretValue ReadSecretText(string? text, BackendOperation operation, string field)
    {
        if (text is null)
        {
            throw MissingField(operation, field);
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        CheckSecretSize(bytes, operation, field);
        return SecretValue.FromText(text);
    }

    /// <summary>Decodes a base64 value of an answer into a binary secret value, within <see cref="BackendHttpOptions.MaxSecretBytes"/>.</summary>
    /// <param name="base64">The base64 text; <see langword="null"/> means the field was missing.</param>
    /// <param name="operation">The operation and secret, for errors.</param>
    /// <param name="field">The field's name, for errors.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SecretStoreException">The field is missing, not valid base64, or too large (<see cref="SecretErrorKind.InvalidResponse"/>).</exception>
    public SecretValue ReadSecretBase64(string? base64, BackendOperation operation, string field)
    {
        var bytes = DecodeBase64(base64, operation, field);
        CheckSecretSize(bytes.Length, operation, field);
        return SecretValue.FromBytes(bytes);
    }

    /// <summary>Decodes a base64 field of an answer (a wrapped key, a plaintext), within <see cref="BackendHttpOptions.MaxSecretBytes"/>.</summary>
    /// <param name="base64">The base64 text; <see langword="null"/> means the field was missing.</param>
    /// <param name="operation">The operation and secret, for errors.</param>
    /// <param name="field">The field's name, for errors.</param>
    /// <returns>The bytes; the caller owns them.</returns>
    /// <exception cref="SecretStoreException">The field is missing, not valid base64, or too large (<see cref="SecretErrorKind.InvalidResponse"/>).</exception>
    public byte[] DecodeBase64(string? base64, BackendOperation operation, string field)
    {
        if (base64 is null)
        {
            throw MissingField(operation, field);
        }

        // Three bytes per four characters: refuse before decoding anything larger than the cap.
        CheckSecretSize((base64.Length / 4L) * 3L, operation, field);
        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(base64, buffer, out var written))
        {
            throw InvalidResponse(operation, $"returned '{field}' that is not valid base64");
        }

        return buffer.AsSpan(0, written).ToArray();
    }

    /// <summary>Turns a JSON object or value of an answer into a text secret value (its raw JSON), within <see cref="BackendHttpOptions.MaxSecretBytes"/>.</summary>
    /// <param name="element">The element; an undefined or null element means the field was missing.</param>
    /// <param name="operation">The operation and secret, for errors.</param>
    /// <param name="field">The field's name, for errors.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SecretStoreException">The field is missing or too large (<see cref="SecretErrorKind.InvalidResponse"/>).</exception>
    public SecretValue ReadSecretJson(JsonElement element, BackendOperation operation, string field)
    {
        if (element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw MissingField(operation, field);
        }

        return ReadSecretText(element.GetRawText(), operation, field);
    }

    /// <summary>Creates a guard for one listing, bounded by <see cref="BackendHttpOptions.MaxPages"/>.</summary>
    /// <param name="operation">The listing operation, for errors.</param>
    /// <returns>A new guard.</returns>
    public PageGuard CreatePageGuard(BackendOperation operation) => new(this, operation, Options.MaxPages);

    /// <summary>Creates an <see cref="SecretErrorKind.InvalidResponse"/> exception: "<c>{service} {operation} {detail}.</c>".</summary>
    /// <param name="operation">The operation and secret.</param>
    /// <param name="detail">What is wrong, starting with a verb (for example "answered without 'data'").</param>
    /// <param name="status">The HTTP status, when there was an answer.</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <returns>The exception to throw.</returns>
    public SecretStoreException InvalidResponse(BackendOperation operation, string detail, int? status = null, Exception? innerException = null) =>
        new($"{ServiceName} {operation} {detail}.", SecretErrorKind.InvalidResponse, StoreName, operation.SecretName, status, innerException: innerException);

    /// <summary>Creates the <see cref="SecretErrorKind.InvalidResponse"/> exception for an answer without a required field.</summary>
    /// <param name="operation">The operation and secret.</param>
    /// <param name="field">The missing field.</param>
    /// <returns>The exception to throw.</returns>
    public SecretStoreException MissingField(BackendOperation operation, string field) =>
        InvalidResponse(operation, $"answered without '{field}'");

    /// <summary>Disposes the HTTP client when this client owns it.</summary>
    public void Dispose()
    {
        if (_disposeHttpClient)
        {
            _http.Dispose();
        }
    }

    /// <summary>
    /// Waits for the endpoint's shared throttle gate (see <see cref="BackendHttpOptions.Throttle"/>); a closure longer than
    /// <see cref="ThrottleGateOptions.InlineWait"/> is refused without sending anything.
    /// </summary>
    private async ValueTask<ThrottlePass?> EnterGateAsync(HttpRequestMessage request, BackendOperation operation, CancellationToken cancellationToken)
    {
        if (!Options.Throttle.Enabled || Absolute(request.RequestUri) is not { IsAbsoluteUri: true } target)
        {
            return null;
        }

        var pass = await SharedThrottleGate.EnterAsync(target, Options.Throttle, _time, cancellationToken).ConfigureAwait(false);
        if (!pass.IsRefused)
        {
            return pass;
        }

        var seconds = Math.Ceiling(pass.RetryAfter.TotalSeconds).ToString("0", System.Globalization.CultureInfo.InvariantCulture);
        throw new SecretStoreException(
            $"{ServiceName} {operation} was not sent: {UrlRedaction.Redact(target)} throttled this process, so calls to it wait {seconds} s more (shared throttle gate).",
            SecretErrorKind.Throttled,
            StoreName,
            operation.SecretName,
            retryAfter: pass.RetryAfter)
        {
            NotSent = true,
        };
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request, Uri target)
    {
        var clone = new HttpRequestMessage(request.Method, target) { Content = request.Content, Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        clone.Headers.Host = null; // The new host's own.
        return clone;
    }

    private static string Describe(Exception ex) => ex switch
    {
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => http.HttpRequestError.ToString(),
        HttpRequestException { InnerException: { } inner } => inner.GetType().Name,
        _ => ex.GetType().Name,
    };

    private Uri? Absolute(Uri? uri) => uri is null ? null : (uri.IsAbsoluteUri ? uri : (_http.BaseAddress is { } b ? new Uri(b, uri) : uri));

    private Uri RedirectTarget(BackendOperation operation, Uri? from, HttpResponseMessage response, int followed)
    {
        var status = (int)response.StatusCode;
        var location = response.Headers.Location;
        Uri? to = location is null ? null : (location.IsAbsoluteUri ? location : (from is null ? null : new Uri(from, location)));
        var where = $"redirected ({status}) from {UrlRedaction.Redact(from)} to {(to is null ? "(no Location)" : UrlRedaction.Redact(to))}";
        string? refusal = null;
        if (RedirectPolicy == BackendRedirectPolicy.Never)
        {
            refusal = "this client never follows redirects";
        }
        else if (to is null || from is null)
        {
            refusal = "the redirect has no usable Location";
        }
        else if (to.Scheme != from.Scheme)
        {
            refusal = $"a redirect from {from.Scheme} to {to.Scheme} is never followed";
        }
        else if (followed >= MaxRedirectsFollowed)
        {
            refusal = "only one redirect is followed per call";
        }
        else if (status is not (307 or 308))
        {
            refusal = "only 307 and 308 redirects are followed";
        }
        else if (to.Scheme != Uri.UriSchemeHttp && to.Scheme != Uri.UriSchemeHttps)
        {
            refusal = "only http and https are followed";
        }
        else if (to.Scheme == Uri.UriSchemeHttp && !Options.AllowInsecureHttp && !BackendHttpClientFactory.IsLoopback(to))
        {
            refusal = "plain HTTP to a non-loopback host is not allowed (AllowInsecureHttp)";
        }

        if (refusal is not null)
        {
            throw InvalidResponse(operation, $"was {where}; {refusal}", status);
        }

        return to!;
    }

    private SecretStoreException Unreachable(BackendOperation operation, Uri? target, Exception ex) =>
        new(
            $"{ServiceName} at {UrlRedaction.Redact(target)} is unreachable ({operation}): {Describe(ex)}.",
            BackendErrorClassifier.FromTransport(ex),
            StoreName,
            operation.SecretName,
            innerException: ex);

    private void CheckSecretSize(long bytes, BackendOperation operation, string field)
    {
        if (bytes > Options.MaxSecretBytes)
        {
            throw InvalidResponse(operation, $"returned '{field}' of about {bytes} bytes, above the {Options.MaxSecretBytes}-byte limit (MaxSecretBytes)");
        }
    }
}
