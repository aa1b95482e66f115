using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Secrets.Sdk.Http;

/// <summary>
/// A backend's answer whose body has been read, within <see cref="BackendHttpOptions.MaxResponseBytes"/>, into memory.
/// <see cref="ReadJson{T}"/> turns it into a typed value or a classified <see cref="SecretStoreException"/>; an error
/// answer becomes an exception with <see cref="CreateError"/>.
/// </summary>
public sealed class BackendResponse : IDisposable
{
    private const int MaxServerMessageChars = 512;
    private readonly BackendHttpClient _client;
    private readonly HttpResponseMessage _message;
    private readonly int _length;
    private readonly ThrottlePass? _throttle;
    private byte[]? _buffer;

    internal BackendResponse(BackendHttpClient client, BackendOperation operation, HttpResponseMessage message, byte[] buffer, int length, TimeSpan? retryAfter, ThrottlePass? throttle = null)
    {
        _client = client;
        _throttle = throttle;
        _message = message;
        _buffer = buffer;
        _length = length;
        Operation = operation;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the operation this answers.</summary>
    public BackendOperation Operation { get; }

    /// <summary>Gets the HTTP status code.</summary>
    public int StatusCode => (int)_message.StatusCode;

    /// <summary>Gets a value indicating whether the status is 2xx.</summary>
    public bool IsSuccessStatusCode => _message.IsSuccessStatusCode;

    /// <summary>Gets the response headers.</summary>
    public HttpResponseHeaders Headers => _message.Headers;

    /// <summary>Gets the body's bytes; valid until the response is disposed (the buffer is pooled, and cleared when returned).</summary>
    /// <exception cref="ObjectDisposedException">The response was disposed.</exception>
    public ReadOnlyMemory<byte> Body => BodySegment;

    /// <summary>Gets a value indicating whether the body is empty or only white space.</summary>
    public bool IsEmpty => Trim(BodySegment).Count == 0;

    private ArraySegment<byte> BodySegment
    {
        get
        {
            var buffer = _buffer;
            ObjectDisposedException.ThrowIf(buffer is null, this);
            return new ArraySegment<byte>(buffer, 0, _length);
        }
    }

    /// <summary>Gets how long the server asked the caller to wait (see <see cref="RetryAfterParser"/>), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// Deserializes the body with source-generated metadata. An empty body, JSON <c>null</c>, malformed JSON, a
    /// charset other than UTF-8, or a value of the wrong shape is a <see cref="SecretErrorKind.InvalidResponse"/> error
    /// naming the operation and secret (and never quoting the body).
    /// </summary>
    /// <typeparam name="T">The answer's type.</typeparam>
    /// <param name="typeInfo">Its source-generated metadata.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="SecretStoreException">The body is not a valid <typeparamref name="T"/>.</exception>
    public T ReadJson<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (_message.Content.Headers.ContentType?.CharSet is { } charset && !IsUtf8(charset))
        {
            throw InvalidResponse($"declared charset '{Printable(charset)}'; JSON answers must be UTF-8");
        }

        var json = Trim(BodySegment);
        if (json.Count == 0)
        {
            throw InvalidResponse($"answered {StatusCode} with an empty body");
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize(json.AsSpan(), typeInfo);
        }
        catch (JsonException ex)
        {
            // The exception's own message can quote a character of the body; only its position is reported.
            throw InvalidResponse($"returned malformed JSON at {ex.Path ?? "$"} (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0})", ex);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            throw InvalidResponse($"returned JSON that does not fit {typeof(T).Name} ({ex.GetType().Name})", ex);
        }

        return value ?? throw InvalidResponse("answered with JSON null");
    }

    /// <summary>Deserializes the body when it is valid JSON of that shape, for error bodies; never throws.</summary>
    /// <typeparam name="T">The error body's type.</typeparam>
    /// <param name="typeInfo">Its source-generated metadata.</param>
    /// <returns>The value, or <see langword="null"/> when the body is empty or not that JSON (a proxy's HTML page, say).</returns>
    public T? TryReadJson<T>(JsonTypeInfo<T> typeInfo)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var json = Trim(BodySegment);
        if (json.Count == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json.AsSpan(), typeInfo);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// Creates the exception for an error answer: "<c>{service} {operation} failed with {status} {code}: {message}.</c>",
    /// with the status, the error code, the kind (<paramref name="kind"/>, or <see cref="BackendErrorClassifier.FromStatus"/>)
    /// and <see cref="RetryAfter"/>. The server's code and message are shortened to 512 characters each.
    /// </summary>
    /// <param name="errorCode">The backend's error code, when it gave one.</param>
    /// <param name="message">The backend's message, when it gave one.</param>
    /// <param name="kind">The kind, when the backend's error code decides it.</param>
    /// <returns>The exception to throw.</returns>
    public SecretStoreException CreateError(string? errorCode, string? message, SecretErrorKind? kind = null)
    {
        var resolved = kind ?? BackendErrorClassifier.FromStatus(StatusCode);
        if (resolved == SecretErrorKind.Throttled)
        {
            _throttle?.Throttled(RetryAfter); // a vendor's throttling code in a 400 (AWS) closes the gate too
        }

        var code = string.IsNullOrEmpty(errorCode) ? null : Printable(errorCode);
        var text = !string.IsNullOrWhiteSpace(message) ? ": " + Printable(message) : (code is null ? ": no error message" : string.Empty);
        return new SecretStoreException(
            $"{_client.ServiceName} {Operation} failed with {StatusCode}{(code is null ? string.Empty : " " + code)}{text}.",
            resolved,
            _client.StoreName,
            Operation.SecretName,
            StatusCode,
            code,
            RetryAfter);
    }

    /// <summary>Creates an <see cref="SecretErrorKind.InvalidResponse"/> exception about this answer.</summary>
    /// <param name="detail">What is wrong, for example "answered without 'data'".</param>
    /// <param name="innerException">The cause, if any.</param>
    /// <returns>The exception to throw.</returns>
    public SecretStoreException InvalidResponse(string detail, Exception? innerException = null) =>
        _client.InvalidResponse(Operation, detail, StatusCode, innerException);

    /// <summary>Releases the response and gives its body buffer back to the pool, cleared.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            BoundedContentReader.Return(buffer);
        }

        _message.Dispose();
    }

    internal static string Printable(string text)
    {
        var shortened = text.Length > MaxServerMessageChars ? text[..MaxServerMessageChars] + "…" : text;
        return string.Create(shortened.Length, shortened, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }

    private static bool IsUtf8(string charset)
    {
        var name = charset.Trim().Trim('"');
        return name.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || name.Equals("utf8", StringComparison.OrdinalIgnoreCase)
            || name.Equals("us-ascii", StringComparison.OrdinalIgnoreCase);
    }

    private static ArraySegment<byte> Trim(ArraySegment<byte> body)
    {
        var span = body.AsSpan();
        var start = span.StartsWith("\uFEFF"u8) ? 3 : 0;
        var end = span.Length;
        while (start < end && IsWhiteSpace(span[start]))
        {
            start++;
        }

        while (end > start && IsWhiteSpace(span[end - 1]))
        {
            end--;
        }

        return body.Slice(start, end - start);
    }

    private static bool IsWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
