using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Secrets.Sdk.Vault;

/// <summary>
/// A small typed client for Vault's HTTP API: adds <c>X-Vault-Token</c> and <c>X-Vault-Namespace</c>, turns Vault's
/// <c>{"errors":[...]}</c> into <see cref="SecretStoreException"/> with status, path and Vault's messages, and on 403
/// logs in again once and retries (a revoked or expired token).
/// </summary>
/// <remarks>Error shape: https://developer.hashicorp.com/vault/api-docs#error-response.</remarks>
internal sealed class VaultClient : IDisposable
{
    internal static readonly HttpMethod List = new("LIST");
    private readonly HttpClient _http;
    private readonly string? _namespace;

    public VaultClient(HttpClient http, string? vaultNamespace)
    {
        _http = http;
        _namespace = vaultNamespace;
        Name = "vault:" + http.BaseAddress;
    }

    public string Name { get; }

    public VaultTokenManager? Tokens { get; set; }

    public static byte[] Json<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    /// <summary>Sends a request. Returns null for 404 when <paramref name="allowNotFound"/>; throws <see cref="SecretStoreException"/> otherwise.</summary>
    public async Task<T?> SendAsync<T>(
        HttpMethod method,
        string path,
        byte[]? body,
        JsonTypeInfo<T> responseType,
        CancellationToken cancellationToken,
        bool authenticated = true,
        bool allowNotFound = false,
        string? secretName = null,
        string? token = null)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            var usedToken = token ?? (authenticated ? await Tokens!.GetTokenAsync(cancellationToken).ConfigureAwait(false) : null);
            using var request = new HttpRequestMessage(method, "v1/" + path);
            if (usedToken is not null)
            {
                request.Headers.Add("X-Vault-Token", usedToken);
            }

            if (_namespace is not null)
            {
                request.Headers.Add("X-Vault-Namespace", _namespace);
            }

            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new SecretStoreException($"Vault at {_http.BaseAddress} is unreachable ({method} {path}): {ex.HttpRequestError}.", SecretErrorKind.Unavailable, Name, secretName, innerException: ex);
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw new SecretStoreException($"Vault {method} {path} timed out.", SecretErrorKind.Timeout, Name, secretName, innerException: ex);
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    if (response.StatusCode == HttpStatusCode.NoContent)
                    {
                        return null;
                    }

                    try
                    {
                        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false);
                    }
                    catch (JsonException ex)
                    {
                        throw new SecretStoreException($"Vault {method} {path} returned malformed JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0}).", SecretErrorKind.InvalidResponse, Name, secretName, status);
                    }
                }

                if (status == 404 && allowNotFound)
                {
                    return null;
                }

                if (status == 403 && authenticated && token is null && attempt == 0 && usedToken is not null
                    && !await IsTokenAliveAsync(usedToken, cancellationToken).ConfigureAwait(false)
                    && await Tokens!.ReloginAsync(usedToken, cancellationToken).ConfigureAwait(false))
                {
                    continue; // The token was revoked or expired: one retry with a fresh login.
                }

                throw await ErrorAsync(method, path, response, secretName, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Vault answers 403 both for a dead token and for a live token without the capability. Only the first deserves a
    /// new login; telling them apart with <c>lookup-self</c> avoids a login storm on a plain permission error.
    /// </summary>
    private async Task<bool> IsTokenAliveAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Get, "auth/token/lookup-self", null, VaultJsonContext.Default.VaultTokenLookupResponse, cancellationToken, token: token).ConfigureAwait(false);
            return true;
        }
        catch (SecretStoreException ex) when (ex.Kind is SecretErrorKind.AccessDenied or SecretErrorKind.Unauthenticated)
        {
            return false;
        }
    }

    private async Task<SecretStoreException> ErrorAsync(HttpMethod method, string path, HttpResponseMessage response, string? secretName, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string messages;
        try
        {
            var error = await response.Content.ReadFromJsonAsync(VaultJsonContext.Default.VaultErrorResponse, cancellationToken).ConfigureAwait(false);
            messages = error?.Errors is { Count: > 0 } list ? string.Join("; ", list) : "no error message";
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            messages = "unreadable error body";
        }

        var kind = status switch
        {
            400 => SecretErrorKind.InvalidRequest,
            401 => SecretErrorKind.Unauthenticated,
            403 => SecretErrorKind.AccessDenied,
            404 => SecretErrorKind.NotFound,
            412 => SecretErrorKind.Unavailable, // X-Vault-Index not yet replicated to this node: retry.
            429 => SecretErrorKind.Throttled,
            >= 500 => SecretErrorKind.Unavailable,
            _ => SecretErrorKind.Unknown,
        };
        var retryAfter = response.Headers.RetryAfter?.Delta;
        return new SecretStoreException($"Vault {method} {path} failed with {status}: {messages}.", kind, Name, secretName, status, errorCode: messages, retryAfter: retryAfter);
    }
}
