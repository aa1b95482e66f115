using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>
/// An in-process emulator of the GCP Secret Manager v1 and Cloud KMS v1 REST calls Secrets.Sdk makes, on 127.0.0.1 with a
/// free port, built from Google's references:
/// <list type="bullet">
/// <item>https://cloud.google.com/secret-manager/docs/reference/rest (secrets.list with filter/pageSize/pageToken,
/// versions.list, versions.access: <c>latest</c> is the most recently created version whatever its state, and accessing a
/// DISABLED or DESTROYED version answers 400 FAILED_PRECONDITION "Secret Version [...] is in DISABLED state.").</item>
/// <item>https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys/encrypt and
/// .../decrypt (CRC32C request fields verified and acknowledged, CRC32C answer fields, version name in the encrypt answer).</item>
/// <item>https://cloud.google.com/apis/design/errors (<c>{"error":{"code","message","status"}}</c>).</item>
/// </list>
/// Names in answers carry the project <em>number</em> even when the request used the project id; int64 fields
/// (<c>dataCrc32c</c> and the KMS CRCs) are JSON strings; payloads are padded standard base64. Paths that are not an API
/// route get Google front end's HTML 404 page. Knobs: latency, throttling (429 RESOURCE_EXHAUSTED), denial, a corrupt CRC,
/// version states, page size; counters per operation.
/// </summary>
public sealed class GcpEmulator : IAsyncDisposable
{
    /// <summary>The bearer token the emulator accepts.</summary>
    public const string Token = "emulator-access-token";

    /// <summary>The project id.</summary>
    public const string ProjectId = "emulator-project";

    /// <summary>The project number (what answers carry).</summary>
    public const string ProjectNumber = "123456789012";

    private readonly object _gate = new();
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredKey> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _denied = new(StringComparer.Ordinal);
    private readonly HashSet<string> _corruptCrc = new(StringComparer.Ordinal);
    private readonly HashSet<string> _omitCrc = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private LoopbackServer? _server;
    private int _throttleNext;
    private int _corruptKmsNext;

    /// <summary>Creates an emulator.</summary>
    /// <param name="time">The clock injected slow drips run on; default <see cref="TimeProvider.System"/>.</param>
    public GcpEmulator(TimeProvider? time = null) =>
        Faults = new EmulatorFaultInjector(
            time ?? TimeProvider.System,
            r => r.Method + " " + r.Path.Value,
            (context, fault) =>
            {
                fault.ApplyRetryAfter(context.Response);
                return fault.Kind == EmulatorFaultKind.Throttled
                    ? ErrorAsync(context, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests'.")
                    : ErrorAsync(context, 503, "UNAVAILABLE", "The service is currently unavailable.");
            });

    /// <summary>
    /// Gets the fault injector every request passes through first (set its <see cref="EmulatorFaultInjector.Policy"/> to
    /// throttle, fail, hang, reset, truncate or drip answers; none by default).
    /// </summary>
    public EmulatorFaultInjector Faults { get; }

    /// <summary>Gets the base address.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1");

    /// <summary>Gets or sets a real-time delay added to every request.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets the largest page the list calls return, whatever pageSize asks (small values exercise paging).</summary>
    public int MaxPageSize { get; set; } = 25_000;

    /// <summary>Gets or sets the location of regional secrets served under <c>projects/*/locations/{location}</c>; null serves global secrets only.</summary>
    public string? Location { get; set; }

    /// <summary>Gets or sets a value indicating whether the next page tokens repeat (a broken server, to test the paging guard).</summary>
    public bool RepeatPageTokens { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether KMS encrypt acknowledges the request's CRC32C fields
    /// (<c>verifiedPlaintextCrc32c</c>, <c>verifiedAdditionalAuthenticatedDataCrc32c</c>); false acts like a server or proxy
    /// that ignored them. Default: true.
    /// </summary>
    public bool AcknowledgeKmsRequestCrc { get; set; } = true;

    /// <summary>Gets every request as <c>operation resource</c>, in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>Gets the number of requests refused for a missing or wrong bearer token.</summary>
    public int AuthFailures { get; private set; }

    /// <summary>Starts listening on 127.0.0.1 with a free port.</summary>
    /// <returns>A task that completes when requests are accepted.</returns>
    public async Task StartAsync()
    {
        _server = await LoopbackServer.StartAsync(HandleAsync, null, Faults).ConfigureAwait(false);
        Address = _server.Address;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Counts requests of one operation: <c>secrets.list</c>, <c>versions.list</c>, <c>versions.access</c>, <c>encrypt</c>, <c>decrypt</c>.</summary>
    /// <param name="operation">The operation.</param>
    /// <returns>The count.</returns>
    public int Count(string operation) => _requests.Count(r => r.StartsWith(operation + " ", StringComparison.Ordinal));

    /// <summary>Creates a secret with a first ENABLED version holding <paramref name="value"/> (UTF-8).</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="value">The first version's data.</param>
    /// <param name="labels">Labels.</param>
    public void CreateSecret(string secretId, string value, IReadOnlyDictionary<string, string>? labels = null) =>
        CreateSecret(secretId, Encoding.UTF8.GetBytes(value), labels);

    /// <summary>Creates a secret with a first ENABLED version holding <paramref name="data"/>.</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="data">The first version's data.</param>
    /// <param name="labels">Labels.</param>
    public void CreateSecret(string secretId, byte[] data, IReadOnlyDictionary<string, string>? labels = null)
    {
        lock (_gate)
        {
            var secret = new StoredSecret(secretId, new Dictionary<string, string>(labels ?? new Dictionary<string, string>(), StringComparer.Ordinal));
            _secrets[secretId] = secret;
            secret.Versions.Add(new StoredVersion(1, data));
        }
    }

    /// <summary>Adds a version (ENABLED, the new <c>latest</c>).</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="value">The data (UTF-8).</param>
    /// <returns>The new version number.</returns>
    public long AddVersion(string secretId, string value) => AddVersion(secretId, Encoding.UTF8.GetBytes(value));

    /// <summary>Adds a version (ENABLED, the new <c>latest</c>).</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="data">The data.</param>
    /// <returns>The new version number.</returns>
    public long AddVersion(string secretId, byte[] data)
    {
        lock (_gate)
        {
            var secret = _secrets[secretId];
            var number = secret.Versions.Count + 1;
            secret.Versions.Add(new StoredVersion(number, data));
            return number;
        }
    }

    /// <summary>Sets a version's state: <c>ENABLED</c>, <c>DISABLED</c> or <c>DESTROYED</c> (which also drops its data).</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="version">The version number.</param>
    /// <param name="state">The state.</param>
    public void SetVersionState(string secretId, long version, string state)
    {
        lock (_gate)
        {
            var stored = _secrets[secretId].Versions[(int)version - 1];
            stored.State = state;
            if (state == "DESTROYED")
            {
                stored.Data = [];
            }
        }
    }

    /// <summary>Points a version alias at a version.</summary>
    /// <param name="secretId">The secret id.</param>
    /// <param name="alias">The alias.</param>
    /// <param name="version">The version number.</param>
    public void SetAlias(string secretId, string alias, long version)
    {
        lock (_gate)
        {
            _secrets[secretId].Aliases[alias] = version;
        }
    }

    /// <summary>Deletes a secret.</summary>
    /// <param name="secretId">The secret id.</param>
    public void DeleteSecret(string secretId)
    {
        lock (_gate)
        {
            _secrets.Remove(secretId);
        }
    }

    /// <summary>Makes every access of <paramref name="secretId"/> answer a <c>dataCrc32c</c> that does not match its data.</summary>
    /// <param name="secretId">The secret id.</param>
    public void CorruptCrc(string secretId)
    {
        lock (_gate)
        {
            _corruptCrc.Add(secretId);
        }
    }

    /// <summary>Makes every access of <paramref name="secretId"/> answer without <c>dataCrc32c</c> (a proxy that drops fields).</summary>
    /// <param name="secretId">The secret id.</param>
    public void OmitCrc(string secretId)
    {
        lock (_gate)
        {
            _omitCrc.Add(secretId);
        }
    }

    /// <summary>Makes every request for <paramref name="secretId"/> answer 403 PERMISSION_DENIED.</summary>
    /// <param name="secretId">The secret id.</param>
    public void Deny(string secretId)
    {
        lock (_gate)
        {
            _denied.Add(secretId);
        }
    }

    /// <summary>Answers the next <paramref name="count"/> requests with 429 RESOURCE_EXHAUSTED.</summary>
    /// <param name="count">How many.</param>
    public void ThrottleNext(int count) => Interlocked.Exchange(ref _throttleNext, count);

    /// <summary>Creates a symmetric CryptoKey with version 1 as its primary.</summary>
    /// <param name="location">The location.</param>
    /// <param name="keyRing">The key ring.</param>
    /// <param name="cryptoKey">The key.</param>
    /// <returns>The CryptoKey's resource name (with the project id).</returns>
    public string CreateCryptoKey(string location, string keyRing, string cryptoKey)
    {
        lock (_gate)
        {
            var key = new StoredKey();
            key.Versions.Add(new StoredKeyVersion(RandomNumberGenerator.GetBytes(32)));
            _keys[$"{location}/{keyRing}/{cryptoKey}"] = key;
        }

        return $"projects/{ProjectId}/locations/{location}/keyRings/{keyRing}/cryptoKeys/{cryptoKey}";
    }

    /// <summary>Adds a CryptoKey version and makes it the primary.</summary>
    /// <param name="cryptoKeyName">The CryptoKey's resource name.</param>
    /// <returns>The new version number.</returns>
    public int RotateCryptoKey(string cryptoKeyName)
    {
        lock (_gate)
        {
            var key = _keys[KeyPath(cryptoKeyName)];
            key.Versions.Add(new StoredKeyVersion(RandomNumberGenerator.GetBytes(32)));
            key.Primary = key.Versions.Count;
            return key.Primary;
        }
    }

    /// <summary>Disables a CryptoKey version: encrypt and decrypt with it answer FAILED_PRECONDITION.</summary>
    /// <param name="cryptoKeyName">The CryptoKey's resource name.</param>
    /// <param name="version">The version number.</param>
    public void DisableCryptoKeyVersion(string cryptoKeyName, int version)
    {
        lock (_gate)
        {
            _keys[KeyPath(cryptoKeyName)].Versions[version - 1].Enabled = false;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> KMS answers carry a wrong CRC32C (ciphertextCrc32c or plaintextCrc32c).</summary>
    /// <param name="count">How many.</param>
    public void CorruptNextKmsCrc(int count) => Interlocked.Exchange(ref _corruptKmsNext, count);

    private static string KeyPath(string cryptoKeyName)
    {
        var p = cryptoKeyName.Split('/');
        return $"{p[3]}/{p[5]}/{p[7]}";
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency).ConfigureAwait(false);
        }

        var path = context.Request.Path.Value ?? string.Empty;
        var route = Route.Parse(context.Request.Method, path, Location);
        if (route is null)
        {
            _requests.Enqueue("unknown " + path);
            await HtmlNotFoundAsync(context, path).ConfigureAwait(false);
            return;
        }

        _requests.Enqueue($"{route.Operation} {path}");
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization != "Bearer " + Token)
        {
            AuthFailures++;
            await ErrorAsync(context, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.").ConfigureAwait(false);
            return;
        }

        if (route.Project is not (ProjectId or ProjectNumber))
        {
            await ErrorAsync(context, 403, "PERMISSION_DENIED", $"Permission denied on resource project {route.Project}.").ConfigureAwait(false);
            return;
        }

        if (Interlocked.Decrement(ref _throttleNext) >= 0)
        {
            context.Response.Headers.RetryAfter = "1";
            await ErrorAsync(context, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Access requests' and limit 'Access requests per minute' of service 'secretmanager.googleapis.com'.").ConfigureAwait(false);
            return;
        }

        Interlocked.Exchange(ref _throttleNext, Math.Max(Volatile.Read(ref _throttleNext), 0));
        var (status, body) = route.Operation switch
        {
            "secrets.list" => ListSecrets(context.Request.Query, route),
            "versions.list" => ListVersions(context.Request.Query, route),
            "versions.access" => Access(route),
            "encrypt" => Encrypt(await ReadJsonAsync(context).ConfigureAwait(false), route),
            "decrypt" => Decrypt(await ReadJsonAsync(context).ConfigureAwait(false), route),
            _ => (404, Error(404, "NOT_FOUND", "Unknown operation.")),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    private (int, JsonNode) ListSecrets(IQueryCollection query, Route route)
    {
        List<JsonNode> all;
        lock (_gate)
        {
            var filter = query["filter"].ToString();
            all = _secrets.Values
                .Where(s => Filter.Matches(filter, s))
                .OrderBy(s => s.Id, StringComparer.Ordinal)
                .Select(s => (JsonNode)SecretJson(s, route))
                .ToList();
        }

        return Page(query, all, "secrets", total: true);
    }

    private (int, JsonNode) ListVersions(IQueryCollection query, Route route)
    {
        List<JsonNode> all;
        lock (_gate)
        {
            if (!_secrets.TryGetValue(route.SecretId!, out var secret))
            {
                return (404, Error(404, "NOT_FOUND", $"Secret [{SecretName(route, route.SecretId!)}] not found or has no versions."));
            }

            var filter = query["filter"].ToString();
            all = secret.Versions
                .Where(v => filter.Length == 0 || filter == "state:" + v.State || filter == "state=" + v.State)
                .OrderByDescending(v => v.Number) // newest first, as the console lists them
                .Select(v => (JsonNode)new JsonObject
                {
                    ["name"] = $"{SecretName(route, secret.Id)}/versions/{v.Number}",
                    ["createTime"] = "2026-01-01T00:00:00Z",
                    ["state"] = v.State,
                })
                .ToList();
        }

        return Page(query, all, "versions", total: true);
    }

    private (int, JsonNode) Page(IQueryCollection query, List<JsonNode> all, string field, bool total)
    {
        var size = int.TryParse(query["pageSize"], CultureInfo.InvariantCulture, out var requested) && requested > 0 ? requested : 25_000;
        if (requested > 25_000)
        {
            return (400, Error(400, "INVALID_ARGUMENT", "Page size must be no larger than 25000."));
        }

        size = Math.Min(size, MaxPageSize);
        var offset = 0;
        var token = query["pageToken"].ToString();
        if (token.Length > 0 && !TryReadToken(token, out offset))
        {
            return (400, Error(400, "INVALID_ARGUMENT", "The page token is invalid."));
        }

        var page = new JsonArray([.. all.Skip(offset).Take(size)]);
        var body = new JsonObject { [field] = page };
        if (offset + size < all.Count)
        {
            body["nextPageToken"] = RepeatPageTokens && token.Length > 0 ? token : WriteToken(offset + size);
        }

        if (total)
        {
            body["totalSize"] = all.Count;
        }

        return (200, body);
    }

    private (int, JsonNode) Access(Route route)
    {
        lock (_gate)
        {
            var id = route.SecretId!;
            if (_denied.Contains(id))
            {
                return (403, Error(403, "PERMISSION_DENIED", $"Permission 'secretmanager.versions.access' denied for resource '{SecretName(route, id)}/versions/{route.Version}' (or it may not exist)."));
            }

            if (!_secrets.TryGetValue(id, out var secret) || secret.Versions.Count == 0)
            {
                return (404, Error(404, "NOT_FOUND", $"Secret [{SecretName(route, id)}] not found or has no versions."));
            }

            StoredVersion? version = route.Version switch
            {
                "latest" => secret.Versions[^1], // the most recently created version, whatever its state
                { } v when long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n >= 1 && n <= secret.Versions.Count ? secret.Versions[(int)n - 1] : null,
                { } alias => secret.Aliases.TryGetValue(alias, out var n) ? secret.Versions[(int)n - 1] : null,
                _ => null,
            };
            if (version is null)
            {
                return (404, Error(404, "NOT_FOUND", $"Secret Version [{SecretName(route, id)}/versions/{route.Version}] not found."));
            }

            var name = $"{SecretName(route, id)}/versions/{version.Number}";
            if (version.State != "ENABLED")
            {
                return (400, Error(400, "FAILED_PRECONDITION", $"Secret Version [{name}] is in {version.State} state."));
            }

            var crc = EmulatorCrc32C.Compute(version.Data);
            if (_corruptCrc.Contains(id))
            {
                crc ^= 0x5A5A5A5A;
            }

            var payload = new JsonObject { ["data"] = Convert.ToBase64String(version.Data) };
            if (!_omitCrc.Contains(id))
            {
                payload["dataCrc32c"] = crc.ToString(CultureInfo.InvariantCulture); // int64 in JSON is a string
            }

            return (200, new JsonObject { ["name"] = name, ["payload"] = payload });
        }
    }

    private (int, JsonNode) Encrypt(JsonObject? request, Route route)
    {
        if (request is null || !TryBytes(request, "plaintext", out var plaintext) || plaintext.Length == 0)
        {
            return (400, Error(400, "INVALID_ARGUMENT", "plaintext is required."));
        }

        TryBytes(request, "additionalAuthenticatedData", out var aad);
        if (CrcMismatch(request, "plaintextCrc32c", plaintext) || CrcMismatch(request, "additionalAuthenticatedDataCrc32c", aad))
        {
            return (400, Error(400, "INVALID_ARGUMENT", "The checksum in field plaintext_crc32c or additional_authenticated_data_crc32c did not match the data."));
        }

        int number;
        StoredKeyVersion version;
        lock (_gate)
        {
            if (!_keys.TryGetValue(route.KeyPath!, out var key))
            {
                return (404, Error(404, "NOT_FOUND", $"CryptoKey {route.KeyName} not found."));
            }

            number = route.KeyVersion ?? key.Primary;
            if (number < 1 || number > key.Versions.Count)
            {
                return (404, Error(404, "NOT_FOUND", $"CryptoKeyVersion {route.KeyName}/cryptoKeyVersions/{number} not found."));
            }

            version = key.Versions[number - 1];
            if (!version.Enabled)
            {
                return (400, Error(400, "FAILED_PRECONDITION", $"{route.KeyName}/cryptoKeyVersions/{number} is not enabled, current state is: DISABLED."));
            }
        }

        // Emulator-private ciphertext: version (4 bytes) | nonce (12) | tag (16) | AES-256-GCM ciphertext, AAD bound.
        var ciphertext = new byte[4 + 12 + 16 + plaintext.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(ciphertext, number);
        RandomNumberGenerator.Fill(ciphertext.AsSpan(4, 12));
        using (var gcm = new AesGcm(version.Key, 16))
        {
            gcm.Encrypt(ciphertext.AsSpan(4, 12), plaintext, ciphertext.AsSpan(32), ciphertext.AsSpan(16, 16), aad);
        }

        var crc = EmulatorCrc32C.Compute(ciphertext);
        if (Interlocked.Decrement(ref _corruptKmsNext) >= 0)
        {
            crc ^= 1;
        }

        return (200, new JsonObject
        {
            ["name"] = $"{route.KeyName}/cryptoKeyVersions/{number}", // KMS names the key as the request did
            ["ciphertext"] = Convert.ToBase64String(ciphertext),
            ["ciphertextCrc32c"] = crc.ToString(CultureInfo.InvariantCulture),
            ["verifiedPlaintextCrc32c"] = AcknowledgeKmsRequestCrc && request.ContainsKey("plaintextCrc32c"),
            ["verifiedAdditionalAuthenticatedDataCrc32c"] = AcknowledgeKmsRequestCrc && request.ContainsKey("additionalAuthenticatedDataCrc32c"),
            ["protectionLevel"] = "SOFTWARE",
        });
    }

    private (int, JsonNode) Decrypt(JsonObject? request, Route route)
    {
        if (request is null || !TryBytes(request, "ciphertext", out var ciphertext))
        {
            return (400, Error(400, "INVALID_ARGUMENT", "ciphertext is required."));
        }

        TryBytes(request, "additionalAuthenticatedData", out var aad);
        if (CrcMismatch(request, "ciphertextCrc32c", ciphertext) || CrcMismatch(request, "additionalAuthenticatedDataCrc32c", aad))
        {
            return (400, Error(400, "INVALID_ARGUMENT", "The checksum in field ciphertext_crc32c or additional_authenticated_data_crc32c did not match the data."));
        }

        StoredKeyVersion version;
        bool primary;
        lock (_gate)
        {
            if (!_keys.TryGetValue(route.KeyPath!, out var key))
            {
                return (404, Error(404, "NOT_FOUND", $"CryptoKey {route.KeyName} not found."));
            }

            var number = ciphertext.Length >= 32 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(ciphertext) : 0;
            if (number < 1 || number > key.Versions.Count)
            {
                return (400, Error(400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid."));
            }

            version = key.Versions[number - 1];
            primary = number == key.Primary;
            if (!version.Enabled)
            {
                return (400, Error(400, "FAILED_PRECONDITION", $"{route.KeyName}/cryptoKeyVersions/{number} is not enabled, current state is: DISABLED."));
            }
        }

        var plaintext = new byte[ciphertext.Length - 32];
        try
        {
            using var gcm = new AesGcm(version.Key, 16);
            gcm.Decrypt(ciphertext.AsSpan(4, 12), ciphertext.AsSpan(32), ciphertext.AsSpan(16, 16), plaintext, aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            return (400, Error(400, "INVALID_ARGUMENT", "Decryption failed: the ciphertext is invalid."));
        }

        var crc = EmulatorCrc32C.Compute(plaintext);
        if (Interlocked.Decrement(ref _corruptKmsNext) >= 0)
        {
            crc ^= 1;
        }

        return (200, new JsonObject
        {
            ["plaintext"] = Convert.ToBase64String(plaintext),
            ["plaintextCrc32c"] = crc.ToString(CultureInfo.InvariantCulture),
            ["usedPrimary"] = primary,
            ["protectionLevel"] = "SOFTWARE",
        });
    }

    private static bool TryBytes(JsonObject request, string field, out byte[] bytes)
    {
        bytes = [];
        if (request[field] is not JsonValue value || !value.TryGetValue<string>(out var text))
        {
            return false;
        }

        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A CRC field that is present (a JSON string holding an int64) and does not match the data.</summary>
    private static bool CrcMismatch(JsonObject request, string field, byte[] data) =>
        request[field] is JsonValue value
        && (!value.TryGetValue<string>(out var text) || !uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var crc) || crc != EmulatorCrc32C.Compute(data));

    private string SecretName(Route route, string secretId) =>
        route.Location is null ? $"projects/{ProjectNumber}/secrets/{secretId}" : $"projects/{ProjectNumber}/locations/{route.Location}/secrets/{secretId}";

    private JsonObject SecretJson(StoredSecret secret, Route route)
    {
        var labels = new JsonObject();
        foreach (var (k, v) in secret.Labels)
        {
            labels[k] = v;
        }

        return new JsonObject
        {
            ["name"] = SecretName(route, secret.Id),
            ["replication"] = new JsonObject { ["automatic"] = new JsonObject() },
            ["createTime"] = "2026-01-01T00:00:00.000000Z",
            ["labels"] = labels,
            ["etag"] = $"\"{secret.Versions.Count}\"",
        };
    }

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext context)
    {
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body).ConfigureAwait(false) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonObject Error(int code, string status, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["status"] = status } };

    private static async Task ErrorAsync(HttpContext context, int code, string status, string message)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json; charset=UTF-8";
        await context.Response.WriteAsync(Error(code, status, message).ToJsonString()).ConfigureAwait(false);
    }

    private static async Task HtmlNotFoundAsync(HttpContext context, string path)
    {
        // Google's front end answers unknown paths with an HTML page, not the JSON error shape.
        context.Response.StatusCode = 404;
        context.Response.ContentType = "text/html; charset=UTF-8";
        await context.Response.WriteAsync($"<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 404 (Not Found)!!1</title><p><b>404.</b> <ins>That’s an error.</ins><p>The requested URL <code>{WebUtility.HtmlEncode(path)}</code> was not found on this server. <ins>That’s all we know.</ins>").ConfigureAwait(false);
    }

    private static string WriteToken(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryReadToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private sealed class StoredSecret(string id, Dictionary<string, string> labels)
    {
        public string Id { get; } = id;

        public Dictionary<string, string> Labels { get; } = labels;

        public List<StoredVersion> Versions { get; } = [];

        public Dictionary<string, long> Aliases { get; } = new(StringComparer.Ordinal);
    }

    private sealed class StoredVersion(long number, byte[] data)
    {
        public long Number { get; } = number;

        public byte[] Data { get; set; } = data;

        public string State { get; set; } = "ENABLED";
    }

    private sealed class StoredKey
    {
        public List<StoredKeyVersion> Versions { get; } = [];

        public int Primary { get; set; } = 1;
    }

    private sealed class StoredKeyVersion(byte[] key)
    {
        public byte[] Key { get; } = key;

        public bool Enabled { get; set; } = true;
    }

    /// <summary>The subset of Secret Manager's filter syntax the emulator understands: space- or AND-separated terms <c>labels.K=V</c>, <c>labels.K:V</c>, <c>labels.K:*</c>, <c>name:TEXT</c>.</summary>
    /// <remarks>https://cloud.google.com/secret-manager/docs/filtering.</remarks>
    private static class Filter
    {
        public static bool Matches(string filter, StoredSecret secret)
        {
            foreach (var term in filter.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (term == "AND")
                {
                    continue;
                }

                var separator = term.IndexOfAny(['=', ':']);
                if (separator < 0)
                {
                    return false;
                }

                var field = term[..separator];
                var value = term[(separator + 1)..].Trim('"');
                var has = term[separator] == ':';
                if (field == "name")
                {
                    if (!(has ? secret.Id.Contains(value, StringComparison.Ordinal) : secret.Id == value))
                    {
                        return false;
                    }
                }
                else if (field.StartsWith("labels.", StringComparison.Ordinal))
                {
                    if (!secret.Labels.TryGetValue(field[7..], out var label) || (value != "*" && label != value))
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>A parsed API path.</summary>
    private sealed record Route(string Operation, string Project, string? Location, string? SecretId, string? Version, string? KeyPath, string? KeyName, int? KeyVersion)
    {
        public static Route? Parse(string method, string path, string? regionalLocation)
        {
            var parts = path.TrimStart('/').Split('/');
            if (parts.Length < 3 || parts[0] != "v1" || parts[1] != "projects" || parts[2].Length == 0)
            {
                return null;
            }

            var project = parts[2];
            var rest = parts[3..];
            string? location = null;
            if (rest.Length >= 2 && rest[0] == "locations")
            {
                location = rest[1];
                rest = rest[2..];
            }

            // Cloud KMS: .../locations/L/keyRings/R/cryptoKeys/K[:encrypt|:decrypt] or .../cryptoKeys/K/cryptoKeyVersions/N:encrypt
            if (location is not null && rest.Length >= 4 && rest[0] == "keyRings" && rest[2] == "cryptoKeys" && method == "POST")
            {
                var last = rest[^1];
                var colon = last.LastIndexOf(':');
                if (colon <= 0)
                {
                    return null;
                }

                var verb = last[(colon + 1)..];
                var keyName = $"projects/{project}/locations/{location}/keyRings/{rest[1]}/cryptoKeys/{(rest.Length == 4 ? last[..colon] : rest[3])}";
                var keyPath = $"{location}/{rest[1]}/{(rest.Length == 4 ? last[..colon] : rest[3])}";
                if (rest.Length == 4 && verb is "encrypt" or "decrypt")
                {
                    return new Route(verb, project, location, null, null, keyPath, keyName, null);
                }

                if (rest.Length == 6 && rest[4] == "cryptoKeyVersions" && verb == "encrypt" && int.TryParse(last[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out var keyVersion))
                {
                    return new Route(verb, project, location, null, null, keyPath, keyName, keyVersion);
                }

                return null;
            }

            if (method != "GET" || location != regionalLocation)
            {
                return null;
            }

            if (rest.Length == 1 && rest[0] == "secrets")
            {
                return new Route("secrets.list", project, location, null, null, null, null, null);
            }

            if (rest.Length == 3 && rest[0] == "secrets" && rest[2] == "versions" && rest[1].Length > 0)
            {
                return new Route("versions.list", project, location, rest[1], null, null, null, null);
            }

            if (rest.Length == 4 && rest[0] == "secrets" && rest[2] == "versions" && rest[3].EndsWith(":access", StringComparison.Ordinal) && rest[3].Length > 7)
            {
                return new Route("versions.access", project, location, rest[1], rest[3][..^7], null, null, null);
            }

            return null;
        }
    }
}
