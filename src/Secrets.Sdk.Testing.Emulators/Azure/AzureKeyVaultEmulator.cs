using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>
/// An in-process emulator of the Azure Key Vault data-plane calls Secrets.Sdk uses, over HTTPS on 127.0.0.1 with a free
/// port and a certificate generated at start. It follows the documented REST API so the real <c>SecretClient</c> runs
/// against it unmodified (apart from trusting the certificate and skipping the challenge-resource host check):
/// <list type="bullet">
/// <item>Challenge auth: a request without the bearer token gets 401 with
/// <c>WWW-Authenticate: Bearer authorization="…", resource="…"</c>
/// (https://learn.microsoft.com/azure/key-vault/general/authentication-requests-and-responses).</item>
/// <item>Mandatory <c>api-version</c> query parameter; errors as <c>{"error":{"code","message","innererror"}}</c>.</item>
/// <item>Get Secrets (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secrets/get-secrets): versionless ids,
/// attributes as integer unix seconds, at most 25 per page, absolute <c>nextLink</c> carrying <c>$skiptoken</c>.</item>
/// <item>Get Secret (https://learn.microsoft.com/rest/api/keyvault/secrets/get-secret/get-secret), latest or by version;
/// a disabled secret answers 403 with innererror <c>SecretDisabled</c>. Key Vault does not enforce <c>exp</c>/<c>nbf</c> on
/// secrets, so expired and not-yet-valid ones are served (clients must check the attributes).</item>
/// <item>Wrap/Unwrap Key (https://learn.microsoft.com/rest/api/keyvault/keys/wrap-key/wrap-key and
/// .../unwrap-key/unwrap-key) with real RSA keys and versions, RSA-OAEP-256 and RSA-OAEP, base64url values, the
/// versioned <c>kid</c> in the answer.</item>
/// </list>
/// Knobs: latency, throttling (429 with or without <c>Retry-After</c> / <c>x-ms-retry-after-ms</c>), injected 5xx,
/// denial, page size and data changes while running. Every request is recorded by operation.
/// </summary>
public sealed class AzureKeyVaultEmulator : IAsyncDisposable
{
    /// <summary>The one bearer token the emulator accepts.</summary>
    public const string AccessToken = "emulator-access-token";

    /// <summary>The tenant named in the challenge's authorization URI.</summary>
    public const string TenantId = "72f988bf-0000-4000-8000-2d7cd011db47";

    /// <summary>The resource named in the challenge (Key Vault's public-cloud audience).</summary>
    public const string Resource = "https://vault.azure.net";

    private const int ServiceMaxPageSize = 25;
    private static readonly string[] ApiVersions = ["7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "2025-07-01", "2026-04-01"];

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, StoredKey> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _deniedSecrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _requests = new();
    private LoopbackServer? _server;
    private bool _listDenied;
    private int _throttleNext;
    private RetryAfterHint _throttleHint;
    private TimeSpan _throttleDelay;
    private int _failNext;
    private int _failStatus;

    /// <summary>Creates the emulator.</summary>
    /// <param name="time">The clock for <c>created</c>/<c>updated</c> attributes; default <see cref="TimeProvider.System"/>.</param>
    public AzureKeyVaultEmulator(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Faults = new EmulatorFaultInjector(
            _time,
            r => r.Method + " " + r.Path.Value,
            (context, fault) =>
            {
                fault.ApplyRetryAfter(context.Response);
                return fault.Kind == EmulatorFaultKind.Throttled
                    ? WriteAsync(context, 429, Error("Throttled", "Operations per second is over the limit for this vault."))
                    : WriteAsync(context, 503, Error("ServiceUnavailable", "The service is unavailable."));
            });
    }

    /// <summary>
    /// Gets the fault injector every request passes through first (set its <see cref="EmulatorFaultInjector.Policy"/> to
    /// throttle, fail, hang, reset, truncate or drip answers; none by default).
    /// </summary>
    public EmulatorFaultInjector Faults { get; }

    /// <summary>Gets the vault URI (<c>https://127.0.0.1:port/</c>).</summary>
    public Uri VaultUri { get; private set; } = new("https://127.0.0.1/");

    /// <summary>Gets the TLS certificate (generated with <c>CertificateRequest</c> when the first emulator of the process is created); clients trust exactly this one.</summary>
    public X509Certificate2 Certificate { get; } = EmulatorCertificate.Shared;

    /// <summary>Gets or sets a real-time delay added to every request.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets the largest page the list answers with (the service's own maximum is 25).</summary>
    public int PageSize { get; set; } = ServiceMaxPageSize;

    /// <summary>Gets or sets a value indicating whether the listing is broken: every page after the first answers with the same <c>nextLink</c> it was asked with.</summary>
    public bool RepeatNextLink { get; set; }

    /// <summary>Gets or sets a value indicating whether key operations misreport their <c>kid</c> as the key's current version (a faulty server, for tests of the client's check).</summary>
    public bool MisreportKid { get; set; }

    /// <summary>Gets every authorized request's operation, in order: <c>list</c>, <c>get name</c>, <c>get name/version</c>, <c>wrapkey name/version</c>, <c>unwrapkey name/version</c>.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>Gets the number of requests answered with the authentication challenge (401).</summary>
    public int Challenges { get; private set; }

    /// <summary>Gets the number of requests rejected for a missing or unknown <c>api-version</c>.</summary>
    public int ApiVersionRejections { get; private set; }

    /// <summary>Starts listening on 127.0.0.1 with a free port over HTTPS.</summary>
    /// <returns>A task that completes when requests are accepted.</returns>
    public async Task StartAsync()
    {
        _server = await LoopbackServer.StartAsync(HandleAsync, Certificate, Faults).ConfigureAwait(false);
        VaultUri = _server.Address;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        lock (_gate)
        {
            foreach (var version in _keys.Values.SelectMany(k => k.Versions))
            {
                version.Rsa.Dispose();
            }
        }

    }

    /// <summary>Counts recorded requests whose operation starts with <paramref name="operation"/> (<c>list</c>, <c>get</c>, <c>wrapkey</c>, <c>unwrapkey</c>).</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The count.</returns>
    public int Count(string operation) => _requests.Count(r => r == operation || r.StartsWith(operation + " ", StringComparison.Ordinal));

    /// <summary>Sets a secret: creates it or adds a new current version (a rotation), like Set Secret.</summary>
    /// <param name="name">The name (letters, digits and dashes).</param>
    /// <param name="value">The value.</param>
    /// <param name="contentType">The content type, for example <c>application/json</c>.</param>
    /// <param name="tags">Tags.</param>
    /// <param name="enabled">Whether the version is enabled.</param>
    /// <param name="notBefore">The <c>nbf</c> attribute.</param>
    /// <param name="expires">The <c>exp</c> attribute.</param>
    /// <returns>The new version id.</returns>
    public string SetSecret(string name, string value, string? contentType = null, IReadOnlyDictionary<string, string>? tags = null, bool enabled = true, DateTimeOffset? notBefore = null, DateTimeOffset? expires = null)
    {
        if (name.Length == 0 || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
        {
            throw new ArgumentException($"Key Vault secret names are 1-127 letters, digits and dashes; '{name}' is not.", nameof(name));
        }

        lock (_gate)
        {
            if (!_secrets.TryGetValue(name, out var secret))
            {
                _secrets[name] = secret = new StoredSecret(name);
            }

            var version = new StoredSecretVersion(NewVersionId(), value, Now())
            {
                ContentType = contentType,
                Tags = tags ?? new Dictionary<string, string>(),
                Enabled = enabled,
                NotBefore = notBefore?.ToUnixTimeSeconds(),
                Expires = expires?.ToUnixTimeSeconds(),
            };
            secret.Versions.Add(version);
            return version.Id;
        }
    }

    /// <summary>Enables or disables the current version of a secret (Update Secret), which changes its <c>updated</c> attribute.</summary>
    /// <param name="name">The name.</param>
    /// <param name="enabled">Whether it is enabled.</param>
    public void SetEnabled(string name, bool enabled)
    {
        lock (_gate)
        {
            var current = _secrets[name].Current;
            current.Enabled = enabled;
            current.Updated = Now();
        }
    }

    /// <summary>
    /// Deletes a secret and all its versions, like Delete Secret
    /// (https://learn.microsoft.com/rest/api/keyvault/secrets/delete-secret/delete-secret): it leaves Get Secrets and its
    /// reads answer 404 <c>SecretNotFound</c>. The deleted-but-recoverable state of soft delete is not emulated.
    /// </summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when the secret existed.</returns>
    public bool DeleteSecret(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            return _secrets.Remove(name);
        }
    }

    /// <summary>Answers 403 to every read of one secret.</summary>
    /// <param name="name">The secret name.</param>
    public void DenySecret(string name)
    {
        lock (_gate)
        {
            _deniedSecrets.Add(name);
        }
    }

    /// <summary>Answers 403 to Get Secrets (no <c>secrets/list</c> permission).</summary>
    public void DenyList()
    {
        lock (_gate)
        {
            _listDenied = true;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> authorized requests fail with 429.</summary>
    /// <param name="count">How many.</param>
    /// <param name="hint">Which header, if any, says when to retry.</param>
    /// <param name="retryAfter">The delay the header carries.</param>
    public void ThrottleNext(int count, RetryAfterHint hint = RetryAfterHint.Seconds, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            _throttleNext = count;
            _throttleHint = hint;
            _throttleDelay = retryAfter ?? TimeSpan.FromSeconds(1);
        }
    }

    /// <summary>Makes the next <paramref name="count"/> authorized requests fail with <paramref name="status"/> (for example 503).</summary>
    /// <param name="count">How many.</param>
    /// <param name="status">The HTTP status.</param>
    public void FailNext(int count, int status)
    {
        lock (_gate)
        {
            _failNext = count;
            _failStatus = status;
        }
    }

    /// <summary>Creates an RSA 2048 key, or a new current version of it (a key rotation).</summary>
    /// <param name="name">The key name.</param>
    /// <returns>The versioned key id (<c>https://…/keys/name/version</c>).</returns>
    public string CreateRsaKey(string name)
    {
        lock (_gate)
        {
            if (!_keys.TryGetValue(name, out var key))
            {
                _keys[name] = key = new StoredKey(name);
            }

            var version = new StoredKeyVersion(NewVersionId(), RSA.Create(2048));
            key.Versions.Add(version);
            return $"{VaultUri}keys/{key.Name}/{version.Id}";
        }
    }

    /// <summary>Enables or disables one key version.</summary>
    /// <param name="name">The key name.</param>
    /// <param name="version">The version id.</param>
    /// <param name="enabled">Whether it is enabled.</param>
    public void SetKeyEnabled(string name, string version, bool enabled)
    {
        lock (_gate)
        {
            _keys[name].Versions.Single(v => v.Id == version).Enabled = enabled;
        }
    }

    private static string NewVersionId() => Guid.NewGuid().ToString("N");

    private long Now() => _time.GetUtcNow().ToUnixTimeSeconds();

    private async Task HandleAsync(HttpContext context)
    {
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency).ConfigureAwait(false);
        }

        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (!string.Equals(authorization, "Bearer " + AccessToken, StringComparison.Ordinal))
        {
            lock (_gate)
            {
                Challenges++;
            }

            // The challenge a client answers by asking its credential for a token for "resource" in "authorization"'s tenant.
            context.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"https://login.microsoftonline.com/{TenantId}\", resource=\"{Resource}\"";
            await WriteAsync(context, 401, Error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.")).ConfigureAwait(false);
            return;
        }

        var apiVersion = request.Query["api-version"].ToString();
        if (apiVersion.Length == 0 || !ApiVersions.Contains(apiVersion, StringComparer.Ordinal))
        {
            lock (_gate)
            {
                ApiVersionRejections++;
            }

            var message = apiVersion.Length == 0
                ? "The 'api-version' query parameter is required."
                : $"The specified version ({apiVersion}) is not recognized. Consider using the latest supported version ({ApiVersions[^1]}).";
            await WriteAsync(context, 400, Error("BadParameter", message)).ConfigureAwait(false);
            return;
        }

        var segments = request.Path.Value!.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var operation = Operation(request.Method, segments);
        _requests.Enqueue(operation);

        if (await InjectedFailureAsync(context).ConfigureAwait(false))
        {
            return;
        }

        JsonObject? body = null;
        if (HttpMethods.IsPost(request.Method))
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer).ConfigureAwait(false);
            try
            {
                body = buffer.Length == 0 ? null : JsonNode.Parse(buffer.ToArray()) as JsonObject;
            }
            catch (JsonException)
            {
                body = null;
            }
        }

        (int Status, JsonObject Body) response;
        lock (_gate)
        {
            response = segments switch
            {
                ["secrets"] when HttpMethods.IsGet(request.Method) => ListSecrets(request),
                ["secrets", var name] when HttpMethods.IsGet(request.Method) => GetSecret(name, null),
                ["secrets", var name, var version] when HttpMethods.IsGet(request.Method) => GetSecret(name, version),
                ["keys", var name, "wrapkey" or "unwrapkey"] when HttpMethods.IsPost(request.Method) => KeyOperation(name, null, segments[2], body),
                ["keys", var name, var version, "wrapkey" or "unwrapkey"] when HttpMethods.IsPost(request.Method) => KeyOperation(name, version, segments[3], body),
                _ => (400, Error("BadParameter", $"The request URI {request.Method} {request.Path} is not supported by this emulator.")),
            };
        }

        await WriteAsync(context, response.Status, response.Body).ConfigureAwait(false);
    }

    private static string Operation(string method, string[] segments) => segments switch
    {
        ["secrets"] => "list",
        ["secrets", .. var rest] when HttpMethods.IsGet(method) => "get " + string.Join('/', rest),
        ["keys", var name, var op] => $"{op} {name}",
        ["keys", var name, var version, var op] => $"{op} {name}/{version}",
        _ => method + " " + string.Join('/', segments),
    };

    private async Task<bool> InjectedFailureAsync(HttpContext context)
    {
        int status;
        RetryAfterHint hint;
        TimeSpan delay;
        lock (_gate)
        {
            if (_throttleNext > 0)
            {
                _throttleNext--;
                status = 429;
            }
            else if (_failNext > 0)
            {
                _failNext--;
                status = _failStatus;
            }
            else
            {
                return false;
            }

            hint = _throttleHint;
            delay = _throttleDelay;
        }

        if (status == 429)
        {
            switch (hint)
            {
                case RetryAfterHint.Seconds:
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    break;
                case RetryAfterHint.Milliseconds:
                    context.Response.Headers["x-ms-retry-after-ms"] = ((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                    break;
            }

            await WriteAsync(context, 429, Error("Throttled", "Operations per second is over the limit for this vault. Retry after the delay in the Retry-After header.")).ConfigureAwait(false);
        }
        else
        {
            await WriteAsync(context, status, Error(status >= 500 ? "ServiceUnavailable" : "BadParameter", "Injected failure.")).ConfigureAwait(false);
        }

        return true;
    }

    private (int, JsonObject) ListSecrets(HttpRequest request)
    {
        if (_listDenied)
        {
            return (403, Error("Forbidden", "The user, group or application does not have secrets list permission on this key vault.", "ForbiddenByPolicy"));
        }

        var size = Math.Min(PageSize, ServiceMaxPageSize);
        if (request.Query.TryGetValue("maxresults", out var max))
        {
            if (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) || asked is < 1 or > ServiceMaxPageSize)
            {
                return (400, Error("BadParameter", $"maxresults must be between 1 and {ServiceMaxPageSize}."));
            }

            size = Math.Min(size, asked);
        }

        var start = 0;
        if (request.Query.TryGetValue("$skiptoken", out var token))
        {
            if (!TryReadSkipToken(token.ToString(), out start))
            {
                return (400, Error("BadParameter", "The $skiptoken is invalid."));
            }
        }

        var all = _secrets.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var items = new JsonArray();
        foreach (var secret in all.Skip(start).Take(size))
        {
            var current = secret.Current;
            var item = new JsonObject
            {
                ["id"] = $"{VaultUri}secrets/{secret.Name}",
                ["attributes"] = Attributes(current),
                ["tags"] = Tags(current.Tags),
            };
            if (current.ContentType is not null)
            {
                item["contentType"] = current.ContentType;
            }

            items.Add((JsonNode)item);
        }

        var next = RepeatNextLink && start > 0 ? start : start + size;
        var response = new JsonObject { ["value"] = items };
        response["nextLink"] = next < all.Count
            ? $"{VaultUri}secrets?api-version={request.Query["api-version"]}&$skiptoken={SkipToken(next)}&maxresults={size}"
            : null;
        return (200, response);
    }

    private (int, JsonObject) GetSecret(string name, string? version)
    {
        if (!_secrets.TryGetValue(name, out var secret) || (version is not null && secret.Versions.All(v => v.Id != version)))
        {
            return (404, Error("SecretNotFound", $"A secret with (name/id) {name}{(version is null ? string.Empty : "/" + version)} was not found in this key vault."));
        }

        if (_deniedSecrets.Contains(name))
        {
            return (403, Error("Forbidden", $"The user, group or application does not have secrets get permission on key vault for secret {name}.", "AccessDenied"));
        }

        var stored = version is null ? secret.Current : secret.Versions.Single(v => v.Id == version);
        if (!stored.Enabled)
        {
            return (403, Error("Forbidden", "Operation get is not allowed on a disabled secret.", "SecretDisabled"));
        }

        var bundle = new JsonObject
        {
            ["value"] = stored.Value,
            ["id"] = $"{VaultUri}secrets/{secret.Name}/{stored.Id}",
            ["attributes"] = Attributes(stored),
            ["tags"] = Tags(stored.Tags),
        };
        if (stored.ContentType is not null)
        {
            bundle["contentType"] = stored.ContentType;
        }

        return (200, bundle);
    }

    private (int, JsonObject) KeyOperation(string name, string? version, string operation, JsonObject? body)
    {
        if (!_keys.TryGetValue(name, out var key) || (version is not null && key.Versions.All(v => v.Id != version)))
        {
            return (404, Error("KeyNotFound", $"A key with (name/id) {name}{(version is null ? string.Empty : "/" + version)} was not found in this key vault."));
        }

        var stored = version is null ? key.Versions[^1] : key.Versions.Single(v => v.Id == version);
        if (!stored.Enabled)
        {
            return (403, Error("Forbidden", $"Operation {operation} is not allowed on a disabled key.", "KeyDisabled"));
        }

        var alg = body?["alg"]?.GetValue<string>();
        var padding = alg switch
        {
            "RSA-OAEP-256" => RSAEncryptionPadding.OaepSHA256,
            "RSA-OAEP" => RSAEncryptionPadding.OaepSHA1,
            _ => null,
        };
        if (padding is null || body?["value"]?.GetValue<string>() is not { } encoded)
        {
            return (400, Error("BadParameter", $"Invalid algorithm or value (alg '{alg}'); this key supports RSA-OAEP-256 and RSA-OAEP."));
        }

        byte[] input;
        try
        {
            input = Base64Url.DecodeFromChars(encoded);
        }
        catch (FormatException)
        {
            return (400, Error("BadParameter", "The value is not base64url."));
        }

        byte[] output;
        try
        {
            output = operation == "wrapkey" ? stored.Rsa.Encrypt(input, padding) : stored.Rsa.Decrypt(input, padding);
        }
        catch (CryptographicException)
        {
            return (400, Error("BadParameter", "Bad Request: the key could not be unwrapped with this key version."));
        }

        var reported = MisreportKid ? key.Versions[^1] : stored;
        return (200, new JsonObject { ["kid"] = $"{VaultUri}keys/{key.Name}/{reported.Id}", ["value"] = Base64Url.EncodeToString(output) });
    }

    private static JsonObject Attributes(StoredSecretVersion version)
    {
        var attributes = new JsonObject { ["enabled"] = version.Enabled };
        if (version.NotBefore is { } nbf)
        {
            attributes["nbf"] = nbf;
        }

        if (version.Expires is { } exp)
        {
            attributes["exp"] = exp;
        }

        attributes["created"] = version.Created;
        attributes["updated"] = version.Updated;
        attributes["recoveryLevel"] = "Recoverable+Purgeable";
        attributes["recoverableDays"] = 90;
        return attributes;
    }

    private static JsonObject Tags(IReadOnlyDictionary<string, string> tags)
    {
        var node = new JsonObject();
        foreach (var (key, value) in tags)
        {
            node[key] = value;
        }

        return node;
    }

    private static string SkipToken(int offset) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{{\"NextMarker\":\"{offset}\"}}"));

    private static bool TryReadSkipToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var node = JsonNode.Parse(Base64Url.DecodeFromChars(token));
            return int.TryParse(node?["NextMarker"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (Exception ex) when (ex is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static JsonObject Error(string code, string message, string? inner = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (inner is not null)
        {
            error["innererror"] = new JsonObject { ["code"] = inner };
        }

        return new JsonObject { ["error"] = error };
    }

    private async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Date = _time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture); // the vault's clock
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }
}
