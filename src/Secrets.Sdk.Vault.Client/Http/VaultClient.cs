using System.Text.Json.Serialization.Metadata;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// A small typed client for Vault's HTTP API over the backend kit: adds <c>X-Vault-Token</c> and
/// <c>X-Vault-Namespace</c>, turns Vault's <c>{"errors":[...]}</c> into <see cref="SecretStoreException"/> with status,
/// path and Vault's messages, and on 403 logs in again once and retries (a revoked or expired token). Transport
/// failures, limits, redirects and malformed answers are the kit's (<see cref="BackendHttpClient"/>).
/// </summary>
/// <remarks>Error shape: https://developer.hashicorp.com/vault/api-docs#error-response.</remarks>
internal sealed class VaultClient : IDisposable
{
    internal static readonly HttpMethod List = new("LIST");
    private readonly BackendHttpClient _http;
    private readonly string? _namespace;

    public VaultClient(BackendHttpClient http, string? vaultNamespace)
    {
        _http = http;
        _namespace = vaultNamespace;
    }

    public string Name => _http.StoreName;

    /// <summary>Gets the kit client, for value limits, page guards and classified errors.</summary>
    public BackendHttpClient Http => _http;

    public VaultTokenManager? Tokens { get; set; }

    public static byte[] Json<T>(T value, JsonTypeInfo<T> typeInfo) => BackendHttpClient.SerializeJson(value, typeInfo);

    /// <summary>
    /// Sends a request and reads its JSON answer. Returns null only for 404 when <paramref name="allowNotFound"/>, or for
    /// 204 when <paramref name="allowNoContent"/>; throws <see cref="SecretStoreException"/> otherwise (an empty or
    /// malformed answer is <see cref="SecretErrorKind.InvalidResponse"/>).
    /// </summary>
    public async Task<T?> SendAsync<T>(
        HttpMethod method,
        string path,
        byte[]? body,
        JsonTypeInfo<T> responseType,
        CancellationToken cancellationToken,
        bool authenticated = true,
        bool allowNotFound = false,
        string? secretName = null,
        string? token = null,
        bool allowNoContent = false)
        where T : class
    {
        var operation = new BackendOperation($"{method} {path}", secretName);
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
                request.Content = BackendHttpClient.CreateJsonContent(body);
            }

            using var response = await _http.SendAsync(request, operation, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccessStatusCode)
            {
                return allowNoContent && response.IsEmpty ? null : response.ReadJson(responseType);
            }

            if (response.StatusCode == 404 && allowNotFound)
            {
                return null;
            }

            if (response.StatusCode == 403 && authenticated && token is null && attempt == 0 && usedToken is not null
                && !await IsTokenAliveAsync(usedToken, cancellationToken).ConfigureAwait(false)
                && await Tokens!.ReloginAsync(usedToken, cancellationToken).ConfigureAwait(false))
            {
                continue; // The token was revoked or expired: one retry with a fresh login.
            }

            throw Error(response);
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

    private static SecretStoreException Error(BackendResponse response)
    {
        var error = response.TryReadJson(VaultJsonContext.Default.VaultErrorResponse);
        var messages = error?.Errors is { Count: > 0 } list ? string.Join("; ", list) : null;
        // 412: the X-Vault-Index this client saw is not yet replicated to this node; a retry succeeds.
        var kind = response.StatusCode == 412 ? SecretErrorKind.Unavailable : BackendErrorClassifier.FromStatus(response.StatusCode);
        return response.CreateError(messages ?? (response.IsEmpty ? null : "unreadable error body"), null, kind);
    }
}
