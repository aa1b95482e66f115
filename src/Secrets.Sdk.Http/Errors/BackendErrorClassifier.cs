using System.Net.Sockets;
using System.Security.Authentication;

namespace Secrets.Sdk.Http;

/// <summary>
/// The one table from HTTP statuses and transport failures to <see cref="SecretErrorKind"/>, shared by every backend
/// (a backend maps its own error codes first and falls back to this).
/// </summary>
public static class BackendErrorClassifier
{
    /// <summary>Classifies an HTTP status.</summary>
    /// <param name="status">The status code.</param>
    /// <returns>
    /// 400/422 <see cref="SecretErrorKind.InvalidRequest"/>, 401 <see cref="SecretErrorKind.Unauthenticated"/>,
    /// 403 <see cref="SecretErrorKind.AccessDenied"/>, 404/410 <see cref="SecretErrorKind.NotFound"/>,
    /// 408/504 <see cref="SecretErrorKind.Timeout"/>, 429 <see cref="SecretErrorKind.Throttled"/>, other 5xx
    /// <see cref="SecretErrorKind.Unavailable"/>, 3xx and other 2xx <see cref="SecretErrorKind.InvalidResponse"/>, anything
    /// else <see cref="SecretErrorKind.Unknown"/>.
    /// </returns>
    public static SecretErrorKind FromStatus(int status) => status switch
    {
        400 or 422 => SecretErrorKind.InvalidRequest,
        401 => SecretErrorKind.Unauthenticated,
        403 => SecretErrorKind.AccessDenied,
        404 or 410 => SecretErrorKind.NotFound,
        408 or 504 => SecretErrorKind.Timeout,
        429 => SecretErrorKind.Throttled,
        >= 500 and <= 599 => SecretErrorKind.Unavailable,
        >= 200 and <= 399 => SecretErrorKind.InvalidResponse,
        _ => SecretErrorKind.Unknown,
    };

    /// <summary>
    /// Classifies a failure to reach the server or to read its answer: timeouts (a <see cref="TimeoutException"/>, a
    /// socket timeout, a cancellation the caller did not ask for) are <see cref="SecretErrorKind.Timeout"/>; refused or
    /// reset connections, DNS and TLS failures and broken streams are <see cref="SecretErrorKind.Unavailable"/>.
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The kind, or <see cref="SecretErrorKind.Unknown"/> when <paramref name="exception"/> is not a transport failure.</returns>
    public static SecretErrorKind FromTransport(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case TimeoutException:
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return SecretErrorKind.Timeout;
                case SocketException:
                case AuthenticationException:
                    return SecretErrorKind.Unavailable;
            }
        }

        return exception switch
        {
            OperationCanceledException => SecretErrorKind.Timeout,
            HttpRequestException or IOException => SecretErrorKind.Unavailable,
            _ => SecretErrorKind.Unknown,
        };
    }

    /// <summary>Tells whether <paramref name="exception"/> is a transport failure that <see cref="FromTransport"/> classifies.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> for <see cref="HttpRequestException"/>, <see cref="IOException"/>, <see cref="SocketException"/>, <see cref="TimeoutException"/> and <see cref="AuthenticationException"/>.</returns>
    public static bool IsTransportFailure(Exception exception) =>
        exception is HttpRequestException or IOException or SocketException or TimeoutException or AuthenticationException;
}
