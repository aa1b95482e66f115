using System.Net.Http.Headers;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Gcp;

/// <summary>
/// Sends a token request through the backend kit (bounded answer, per-call timeout, no redirects) and reads the answer
/// shared by Google's OAuth 2.0 token endpoint and the metadata server: <c>access_token</c>, <c>expires_in</c>,
/// <c>token_type</c> (Bearer). A refusal becomes a <see cref="SecretStoreException"/> naming the endpoint and the
/// credential, with the OAuth <c>error</c> code and its description; a token never appears in a message.
/// </summary>
internal static class TokenAnswer
{
    private const int MaxDescriptionLength = 300;

    /// <summary>Sends <paramref name="request"/> and returns the token it answers.</summary>
    /// <param name="http">The kit client of the endpoint.</param>
    /// <param name="request">The request; disposed here.</param>
    /// <param name="who">The credential, for messages.</param>
    /// <param name="time">The clock that turns <c>expires_in</c> into an expiry.</param>
    /// <param name="check">Checks the answer's headers before the body is read (the metadata server's flavor), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The token.</returns>
    public static async Task<GcpAccessToken> SendAsync(BackendHttpClient http, HttpRequestMessage request, string who, TimeProvider time, Action<BackendResponse>? check, CancellationToken cancellationToken)
    {
        using var sent = request;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var endpoint = UrlRedaction.Redact(request.RequestUri is { IsAbsoluteUri: true } absolute ? absolute : new Uri(http.BaseAddress!, request.RequestUri!));
        var sentAt = time.GetUtcNow();
        BackendResponse answered;
        try
        {
            answered = await http.SendAsync(request, new BackendOperation("token"), cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException ex) when (ex.Status is null)
        {
            // Unreachable, timed out or cut off: the kit's message names the endpoint; say whose token it was.
            throw new SecretStoreException($"GCP credentials: the token request of {who} failed: {ex.Message}", ex.Kind, GcpCredential.ServiceName, innerException: ex);
        }

        using var response = answered;
        check?.Invoke(response);
        if (!response.IsSuccessStatusCode)
        {
            throw Refused(response, endpoint, who);
        }

        var answer = response.ReadJson(GcpAuthJsonContext.Default.TokenResponseJson);
        if (string.IsNullOrWhiteSpace(answer.AccessToken))
        {
            throw response.InvalidResponse($"answered {endpoint} for {who} without 'access_token'");
        }

        if (answer.TokenType is { } type && !type.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw response.InvalidResponse($"answered {endpoint} for {who} with token_type '{Printable(type)}', not Bearer");
        }

        if (answer.ExpiresIn is not ({ } seconds and > 0 and <= 86_400 * 7))
        {
            throw response.InvalidResponse($"answered {endpoint} for {who} without a usable 'expires_in' (1 s to 7 days)");
        }

        try
        {
            return new GcpAccessToken(answer.AccessToken, sentAt + TimeSpan.FromSeconds(seconds));
        }
        catch (ArgumentException ex)
        {
            throw response.InvalidResponse($"answered {endpoint} for {who} with an access_token that cannot be sent in a header", ex);
        }
    }

    private static SecretStoreException Refused(BackendResponse response, string endpoint, string who)
    {
        var error = response.TryReadJson(GcpAuthJsonContext.Default.OAuthErrorJson);
        var status = response.StatusCode;
        var code = error?.Error is { Length: > 0 } e ? Printable(e) : null;
        var description = error?.ErrorDescription is { Length: > 0 } d ? ": " + Printable(d) : string.Empty;
        var kind = status switch
        {
            400 or 401 or 403 => SecretErrorKind.Unauthenticated,
            _ => BackendErrorClassifier.FromStatus(status),
        };
        return new SecretStoreException(
            $"GCP credentials: {endpoint} refused the token request of {who} with {status}{(code is null ? string.Empty : " " + code)}{description}.",
            kind,
            GcpCredential.ServiceName,
            status: status,
            errorCode: code,
            retryAfter: response.RetryAfter);
    }

    /// <summary>Shortens a server-sent string and drops control characters, so a message stays one readable line.</summary>
    private static string Printable(string text)
    {
        var shortened = text.Length > MaxDescriptionLength ? text[..MaxDescriptionLength] + "…" : text;
        return string.Create(shortened.Length, shortened, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }
}
