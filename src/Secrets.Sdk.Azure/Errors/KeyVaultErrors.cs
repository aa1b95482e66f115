using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Identity;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Azure;

/// <summary>
/// Turns everything the Azure SDK can throw into <see cref="SecretStoreException"/>, so no raw
/// <see cref="RequestFailedException"/> leaves the store. Messages name the vault, the secret, the status and Key Vault's
/// error codes (never a value and never the SDK's own message, which quotes headers and the body).
/// </summary>
/// <remarks>Key Vault error body: https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret/get-secret#keyvaulterror.</remarks>
internal static class KeyVaultErrors
{
    private const int MaxErrorBody = 64 * 1024;

    /// <summary>Maps a failure of one call. Cancellation the caller asked for is not mapped (the caller rethrows it).</summary>
    public static SecretStoreException Map(Exception exception, string vault, string storeName, string? secretName, TimeProvider time) => exception switch
    {
        RequestFailedException failed => FromResponse(failed, vault, storeName, secretName, time),
        ThrottleGateRefusedException refused => new SecretStoreException(
            $"Key Vault {vault}: the call{For(secretName)} was not sent: the vault throttled this process, so calls to it wait {Math.Ceiling(refused.RetryAfter.TotalSeconds).ToString("0", CultureInfo.InvariantCulture)} s more (shared throttle gate).",
            SecretErrorKind.Throttled,
            storeName,
            secretName,
            retryAfter: refused.RetryAfter,
            innerException: refused)
        {
            NotSent = true,
        },
        AuthenticationFailedException => new SecretStoreException(
            $"Key Vault {vault}: the credential could not get a token ({exception.GetType().Name}){For(secretName)}.",
            SecretErrorKind.Unauthenticated,
            storeName,
            secretName,
            innerException: exception),
        OperationCanceledException => new SecretStoreException(
            $"Key Vault {vault}: the call timed out{For(secretName)}.", SecretErrorKind.Timeout, storeName, secretName, innerException: exception),
        InvalidDataException => new SecretStoreException(
            $"Key Vault {vault}: {exception.Message} ({SecretErrorKind.InvalidResponse}{For(secretName)}).", SecretErrorKind.InvalidResponse, storeName, secretName, innerException: exception),
        JsonException or FormatException => new SecretStoreException(
            $"Key Vault {vault}: the answer could not be read{For(secretName)} ({exception.GetType().Name}).", SecretErrorKind.InvalidResponse, storeName, secretName, innerException: exception),
        _ => new SecretStoreException(
            $"Key Vault {vault}: the call failed{For(secretName)} ({exception.GetType().Name}).", SecretErrorKind.Unavailable, storeName, secretName, innerException: exception),
    };

    /// <summary>Reads Key Vault's inner error code (for example <c>SecretDisabled</c>) from a failed call, when it sent one.</summary>
    public static string? InnerErrorCode(RequestFailedException exception)
    {
        var content = exception.GetRawResponse()?.Content;
        if (content is null || content.ToMemory().Length is 0 or > MaxErrorBody)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(content.ToMemory());
            return document.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("innererror", out var inner)
                && inner.ValueKind == JsonValueKind.Object
                && inner.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                    ? code.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The backend kit's status table (<see cref="BackendErrorClassifier.FromStatus"/>), with two Key Vault readings: a 401
    /// after challenge-based auth means the vault does not accept this identity's token, which no retry fixes, so it is
    /// <see cref="SecretErrorKind.AccessDenied"/> like 403; status 0 (no response: refused or reset) is Unavailable.
    /// </summary>
    public static SecretErrorKind Classify(int status) => status switch
    {
        0 => SecretErrorKind.Unavailable,
        401 => SecretErrorKind.AccessDenied,
        _ => BackendErrorClassifier.FromStatus(status),
    };

    /// <summary>Reads the server's delay with the backend kit's parser: <c>retry-after-ms</c> / <c>x-ms-retry-after-ms</c>, then <c>Retry-After</c> (seconds or an HTTP-date).</summary>
    public static TimeSpan? RetryAfter(Response? response, DateTimeOffset now)
    {
        if (response is null)
        {
            return null;
        }

        foreach (var name in (string[])[RetryAfterParser.RetryAfterMillisecondsHeader, RetryAfterParser.MicrosoftRetryAfterMillisecondsHeader])
        {
            if (response.Headers.TryGetValue(name, out var milliseconds) && RetryAfterParser.ParseMilliseconds(milliseconds) is { } delay)
            {
                return delay;
            }
        }

        return response.Headers.TryGetValue("Retry-After", out var value) ? RetryAfterParser.ParseRetryAfter(value, now) : null;
    }

    private static SecretStoreException FromResponse(RequestFailedException exception, string vault, string storeName, string? secretName, TimeProvider time)
    {
        var kind = Classify(exception.Status);
        var inner = InnerErrorCode(exception);
        var code = inner is null ? exception.ErrorCode : $"{exception.ErrorCode}/{inner}";
        var status = exception.Status == 0 ? "no response" : $"HTTP {exception.Status.ToString(CultureInfo.InvariantCulture)}";
        var message = $"Key Vault {vault}: {(inner == "SecretDisabled" ? SecretErrorKind.Disabled : kind)}{For(secretName)} ({status}{(code is null ? string.Empty : ", " + code)}).";
        return new SecretStoreException(
            message,
            inner == "SecretDisabled" ? SecretErrorKind.Disabled : kind,
            storeName,
            secretName,
            exception.Status == 0 ? null : exception.Status,
            code,
            kind == SecretErrorKind.Throttled || kind == SecretErrorKind.Unavailable ? RetryAfter(exception.GetRawResponse(), time.GetUtcNow()) : null,
            exception);
    }

    private static string For(string? secretName) => secretName is null ? string.Empty : $" for secret '{secretName}'";
}
