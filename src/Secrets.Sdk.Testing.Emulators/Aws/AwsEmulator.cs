using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>
/// An in-process emulator of the AWS Secrets Manager and KMS JSON 1.1 operations Secrets.Sdk uses, on 127.0.0.1 with a
/// free port. It verifies the SigV4 signature of every request with its own implementation
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html), answers with the
/// documented shapes (epoch-second dates, <c>__type</c> errors, NextToken paging), keeps version stages
/// (AWSCURRENT, AWSPREVIOUS, AWSPENDING), and has knobs for latency, throttling, denial and data changes.
/// Secrets Manager: https://docs.aws.amazon.com/secretsmanager/latest/apireference/; KMS: https://docs.aws.amazon.com/kms/latest/APIReference/.
/// </summary>
public sealed class AwsEmulator : IAsyncDisposable
{
    /// <summary>The access key id of the emulator's one identity.</summary>
    public const string AccessKeyId = "AKIDEMULATOR";

    /// <summary>The secret access key of the emulator's one identity.</summary>
    public const string SecretAccessKey = "emulator/secret/access/key";

    /// <summary>The account id in ARNs.</summary>
    public const string Account = "111122223333";

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _kmsKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deniedOperations = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deniedSecrets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private LoopbackServer? _server;
    private int _throttleNext;
    private long _versionSerial;

    /// <summary>Creates the emulator.</summary>
    /// <param name="time">The clock for dates; default <see cref="TimeProvider.System"/>.</param>
    public AwsEmulator(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Faults = new EmulatorFaultInjector(
            _time,
            r => r.Headers["X-Amz-Target"].ToString(),
            (context, fault) => fault.Kind == EmulatorFaultKind.Throttled
                ? WriteAsync(context, 400, Error("ThrottlingException", "Rate exceeded")) // AWS throttles with 400 and no Retry-After
                : WriteAsync(context, 503, Error("ServiceUnavailableException", "Service unavailable")));
    }

    /// <summary>
    /// Gets the fault injector every request passes through first (set its <see cref="EmulatorFaultInjector.Policy"/> to
    /// throttle, fail, hang, reset, truncate or drip answers; none by default).
    /// </summary>
    public EmulatorFaultInjector Faults { get; }

    /// <summary>Gets the base address.</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1");

    /// <summary>Gets or sets a real-time delay added to every request.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether KMS Decrypt ignores the request's KeyId and decrypts with whichever key the
    /// ciphertext names (a proxy that drops the parameter), so a client must check the key ARN in the answer.
    /// </summary>
    public bool IgnoreDecryptKeyId { get; set; }

    /// <summary>Gets or sets the page size of ListSecrets (small values exercise NextToken paging).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>Gets the number of requests rejected for a bad signature.</summary>
    public int SignatureFailures { get; private set; }

    /// <summary>Gets every request's target (for example <c>secretsmanager.ListSecrets</c>), in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

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

    /// <summary>Counts requests for one operation (for example <c>BatchGetSecretValue</c>).</summary>
    /// <param name="operation">The operation name.</param>
    /// <returns>The count.</returns>
    public int Count(string operation) => _requests.Count(r => r.EndsWith("." + operation, StringComparison.Ordinal));

    /// <summary>Creates a secret with its first version (AWSCURRENT).</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The SecretString.</param>
    /// <param name="tags">Tags.</param>
    public void CreateSecret(string name, string value, IReadOnlyDictionary<string, string>? tags = null)
    {
        lock (_gate)
        {
            var secret = new StoredSecret(name, $"arn:aws:secretsmanager:us-east-1:{Account}:secret:{name}-{RandomSuffix()}", tags ?? new Dictionary<string, string>());
            _secrets[name] = secret;
            AddVersion(secret, value, null);
        }
    }

    /// <summary>Creates a binary secret.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The SecretBinary.</param>
    public void CreateBinarySecret(string name, byte[] value)
    {
        lock (_gate)
        {
            var secret = new StoredSecret(name, $"arn:aws:secretsmanager:us-east-1:{Account}:secret:{name}-{RandomSuffix()}", new Dictionary<string, string>());
            _secrets[name] = secret;
            AddVersion(secret, null, value);
        }
    }

    /// <summary>Rotates a secret: a new version becomes AWSCURRENT and the old AWSCURRENT becomes AWSPREVIOUS.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The new SecretString.</param>
    /// <returns>The new version id.</returns>
    public string Rotate(string name, string value)
    {
        lock (_gate)
        {
            return AddVersion(_secrets[name], value, null);
        }
    }

    /// <summary>Schedules a secret for deletion (DeletedDate set).</summary>
    /// <param name="name">The name.</param>
    public void ScheduleDeletion(string name)
    {
        lock (_gate)
        {
            _secrets[name].DeletedDate = _time.GetUtcNow();
        }
    }

    /// <summary>Denies an operation (AccessDeniedException) for every secret.</summary>
    /// <param name="operation">For example <c>ListSecrets</c> or <c>BatchGetSecretValue</c>.</param>
    public void DenyOperation(string operation)
    {
        lock (_gate)
        {
            _deniedOperations.Add(operation);
        }
    }

    /// <summary>Denies every read of one secret.</summary>
    /// <param name="name">The secret name.</param>
    public void DenySecret(string name)
    {
        lock (_gate)
        {
            _deniedSecrets.Add(name);
        }
    }

    /// <summary>Makes the next <paramref name="count"/> requests fail with ThrottlingException (HTTP 400).</summary>
    /// <param name="count">How many.</param>
    public void ThrottleNext(int count) => Volatile.Write(ref _throttleNext, count);

    /// <summary>Creates a symmetric KMS key and returns its ARN.</summary>
    /// <returns>The key ARN.</returns>
    public string CreateKmsKey()
    {
        lock (_gate)
        {
            var arn = $"arn:aws:kms:us-east-1:{Account}:key/{Guid.NewGuid()}";
            _kmsKeys[arn] = RandomNumberGenerator.GetBytes(32);
            return arn;
        }
    }

    private static string RandomSuffix() => Convert.ToHexString(RandomNumberGenerator.GetBytes(3));

    private string AddVersion(StoredSecret secret, string? text, byte[]? binary)
    {
        var id = $"v{Interlocked.Increment(ref _versionSerial):D4}-{Guid.NewGuid():N}"[..32];
        foreach (var version in secret.Versions)
        {
            version.Stages.Remove("AWSPREVIOUS");
            if (version.Stages.Remove("AWSCURRENT"))
            {
                version.Stages.Add("AWSPREVIOUS");
            }
        }

        secret.Versions.Add(new StoredVersion(id, text, binary, _time.GetUtcNow()) { Stages = { "AWSCURRENT" } });
        secret.LastChanged = _time.GetUtcNow();
        return id;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var target = context.Request.Headers["X-Amz-Target"].ToString();
        _requests.Enqueue(target);
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency).ConfigureAwait(false);
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        var body = buffer.ToArray();
        if (!VerifySignature(context.Request, body))
        {
            lock (_gate)
            {
                SignatureFailures++;
            }

            await WriteAsync(context, 403, Error("InvalidSignatureException", "The request signature we calculated does not match the signature you provided.")).ConfigureAwait(false);
            return;
        }

        if (Interlocked.Decrement(ref _throttleNext) >= 0)
        {
            await WriteAsync(context, 400, Error("ThrottlingException", "Rate exceeded")).ConfigureAwait(false);
            return;
        }

        var request = body.Length == 0 ? new JsonObject() : (JsonNode.Parse(body) as JsonObject ?? new JsonObject());
        var dot = target.IndexOf('.', StringComparison.Ordinal);
        var (service, operation) = dot < 0 ? (string.Empty, target) : (target[..dot], target[(dot + 1)..]);
        (int Status, JsonObject Body) response;
        lock (_gate)
        {
            response = _deniedOperations.Contains(operation)
                ? (400, Error("AccessDeniedException", $"User is not authorized to perform: secretsmanager:{operation}"))
                : service switch
                {
                    "secretsmanager" => SecretsManager(operation, request),
                    "TrentService" => Kms(operation, request),
                    _ => (400, Error("UnknownOperationException", $"Unknown target {target}")),
                };
        }

        await WriteAsync(context, response.Status, response.Body).ConfigureAwait(false);
    }

    private (int, JsonObject) SecretsManager(string operation, JsonObject request)
    {
        switch (operation)
        {
            case "ListSecrets":
                return ListSecrets(request);
            case "DescribeSecret":
            {
                if (Find(request["SecretId"]?.GetValue<string>()) is not { } secret)
                {
                    return (400, Error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
                }

                var entry = Entry(secret);
                entry["VersionIdsToStages"] = Stages(secret);
                return (200, entry);
            }

            case "GetSecretValue":
            {
                var id = request["SecretId"]?.GetValue<string>();
                if (Find(id) is not { } secret || secret.DeletedDate is not null)
                {
                    return (400, Error("ResourceNotFoundException", "Secrets Manager can't find the specified secret."));
                }

                if (_deniedSecrets.Contains(secret.Name))
                {
                    return (400, Error("AccessDeniedException", $"User is not authorized to perform: secretsmanager:GetSecretValue on resource: {secret.Name}"));
                }

                var versionId = request["VersionId"]?.GetValue<string>();
                var stage = request["VersionStage"]?.GetValue<string>() ?? "AWSCURRENT";
                var version = secret.Versions.FirstOrDefault(v => versionId is not null ? v.Id == versionId : v.Stages.Contains(stage));
                return version is null
                    ? (400, Error("ResourceNotFoundException", $"Secrets Manager can't find the specified secret value for staging label: {stage}"))
                    : (200, Value(secret, version));
            }

            case "BatchGetSecretValue":
            {
                var values = new JsonArray();
                var errors = new JsonArray();
                foreach (var idNode in request["SecretIdList"]?.AsArray() ?? [])
                {
                    var id = idNode!.GetValue<string>();
                    if (Find(id) is not { } secret || secret.DeletedDate is not null)
                    {
                        errors.Add((JsonNode)new JsonObject { ["SecretId"] = id, ["ErrorCode"] = "ResourceNotFoundException", ["Message"] = "Secrets Manager can't find the specified secret." });
                    }
                    else if (_deniedSecrets.Contains(secret.Name))
                    {
                        errors.Add((JsonNode)new JsonObject { ["SecretId"] = id, ["ErrorCode"] = "AccessDeniedException", ["Message"] = "Access denied" });
                    }
                    else
                    {
                        values.Add((JsonNode)Value(secret, secret.Versions.First(v => v.Stages.Contains("AWSCURRENT"))));
                    }
                }

                return (200, new JsonObject { ["SecretValues"] = values, ["Errors"] = errors });
            }

            default:
                return (400, Error("InvalidRequestException", $"Unsupported operation {operation}"));
        }
    }

    private (int, JsonObject) ListSecrets(JsonObject request)
    {
        IEnumerable<StoredSecret> matches = _secrets.Values.OrderBy(s => s.Name, StringComparer.Ordinal);
        foreach (var filter in request["Filters"]?.AsArray() ?? [])
        {
            var key = filter!["Key"]!.GetValue<string>();
            var values = filter["Values"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
            matches = key switch
            {
                "name" => matches.Where(s => values.Any(v => s.Name.StartsWith(v, StringComparison.Ordinal))),
                "tag-key" => matches.Where(s => values.Any(s.Tags.ContainsKey)),
                "tag-value" => matches.Where(s => values.Any(v => s.Tags.Values.Contains(v))),
                _ => matches,
            };
        }

        if (request["IncludePlannedDeletion"]?.GetValue<bool>() != true)
        {
            matches = matches.Where(s => s.DeletedDate is null);
        }

        var all = matches.ToList();
        var start = request["NextToken"]?.GetValue<string>() is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var size = Math.Min(PageSize, request["MaxResults"]?.GetValue<int>() ?? 100);
        var list = new JsonArray();
        foreach (var secret in all.Skip(start).Take(size))
        {
            var entry = Entry(secret);
            entry["SecretVersionsToStages"] = Stages(secret);
            list.Add((JsonNode)entry);
        }

        var response = new JsonObject { ["SecretList"] = list };
        if (start + size < all.Count)
        {
            response["NextToken"] = (start + size).ToString(CultureInfo.InvariantCulture);
        }

        return (200, response);
    }

    private (int, JsonObject) Kms(string operation, JsonObject request)
    {
        var keyId = request["KeyId"]?.GetValue<string>();
        var aad = Encoding.UTF8.GetBytes(CanonicalContext(request["EncryptionContext"] as JsonObject));
        switch (operation)
        {
            case "GenerateDataKey":
            case "Encrypt":
            {
                if (keyId is null || !_kmsKeys.TryGetValue(keyId, out var key))
                {
                    return (400, Error("NotFoundException", $"Key '{keyId}' does not exist"));
                }

                var plaintext = operation == "Encrypt"
                    ? Convert.FromBase64String(request["Plaintext"]!.GetValue<string>())
                    : RandomNumberGenerator.GetBytes(request["NumberOfBytes"]?.GetValue<int>() ?? 32);
                var response = new JsonObject { ["CiphertextBlob"] = Convert.ToBase64String(Seal(keyId, key, plaintext, aad)), ["KeyId"] = keyId };
                if (operation == "GenerateDataKey")
                {
                    response["Plaintext"] = Convert.ToBase64String(plaintext);
                }
                else
                {
                    response["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT";
                }

                return (200, response);
            }

            case "Decrypt":
            {
                var blob = Convert.FromBase64String(request["CiphertextBlob"]!.GetValue<string>());
                var (arn, plaintext) = Open(blob, aad);
                if (keyId is not null && arn is not null && keyId != arn && !IgnoreDecryptKeyId)
                {
                    // Real KMS: "The KeyId in a Decrypt request ... must identify the same KMS key that was used to encrypt the ciphertext."
                    return (400, Error("IncorrectKeyException", "The key ID in the request does not identify a KMS key that can perform this operation."));
                }

                if (plaintext is null)
                {
                    return (400, Error("InvalidCiphertextException", null));
                }

                return (200, new JsonObject { ["KeyId"] = arn, ["Plaintext"] = Convert.ToBase64String(plaintext), ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT" });
            }

            default:
                return (400, Error("UnsupportedOperationException", $"Unsupported operation {operation}"));
        }
    }

    private static byte[] Seal(string arn, byte[] key, byte[] plaintext, byte[] aad)
    {
        var arnBytes = Encoding.UTF8.GetBytes(arn);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        return [(byte)arnBytes.Length, .. arnBytes, .. nonce, .. ciphertext, .. tag];
    }

    private (string? Arn, byte[]? Plaintext) Open(byte[] blob, byte[] aad)
    {
        if (blob.Length < 1 + 12 + 16 || blob.Length < 1 + blob[0] + 28)
        {
            return (null, null);
        }

        var arn = Encoding.UTF8.GetString(blob, 1, blob[0]);
        if (!_kmsKeys.TryGetValue(arn, out var key))
        {
            return (arn, null);
        }

        var offset = 1 + blob[0];
        var plaintext = new byte[blob.Length - offset - 28];
        try
        {
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(blob.AsSpan(offset, 12), blob.AsSpan(offset + 12, plaintext.Length), blob.AsSpan(blob.Length - 16), plaintext, aad);
            return (arn, plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            return (arn, null);
        }
    }

    private static string CanonicalContext(JsonObject? context) =>
        context is null ? string.Empty : string.Join("\n", context.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value!.GetValue<string>()));

    /// <summary>Recomputes the SigV4 signature from the request as received and compares it.</summary>
    private static bool VerifySignature(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string Prefix = "AWS4-HMAC-SHA256 ";
        if (!authorization.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = authorization[Prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return false;
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0] != AccessKeyId || scope[4] != "aws4_request")
        {
            return false;
        }

        var amzDate = request.Headers["X-Amz-Date"].ToString();
        var canonical = new StringBuilder();
        canonical.Append(request.Method).Append('\n').Append(request.Path.HasValue ? request.Path.Value : "/").Append('\n').Append(request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty).Append('\n');
        var names = signedHeaders.Split(';');
        foreach (var name in names)
        {
            var value = name == "host" ? request.Host.Value : string.Join(",", request.Headers[name].Select(v => v ?? string.Empty));
            canonical.Append(name).Append(':').Append(string.Join(' ', (value ?? string.Empty).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))).Append('\n');
        }

        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant());
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{string.Join('/', scope[1..])}\n{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString()))).ToLowerInvariant()}";
        var key = Encoding.UTF8.GetBytes("AWS4" + SecretAccessKey);
        foreach (var step in scope[1..])
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(step));
        }

        var expected = Convert.ToHexString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign))).ToLowerInvariant();
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    private StoredSecret? Find(string? id) =>
        id is null ? null : _secrets.TryGetValue(id, out var byName) ? byName : _secrets.Values.FirstOrDefault(s => s.Arn == id);

    private static JsonObject Entry(StoredSecret secret)
    {
        var tags = new JsonArray();
        foreach (var (key, value) in secret.Tags)
        {
            tags.Add((JsonNode)new JsonObject { ["Key"] = key, ["Value"] = value });
        }

        var entry = new JsonObject
        {
            ["ARN"] = secret.Arn,
            ["Name"] = secret.Name,
            ["LastChangedDate"] = Epoch(secret.LastChanged),
            ["Tags"] = tags,
        };
        if (secret.DeletedDate is { } deleted)
        {
            entry["DeletedDate"] = Epoch(deleted);
        }

        return entry;
    }

    private static JsonObject Stages(StoredSecret secret)
    {
        var stages = new JsonObject();
        foreach (var version in secret.Versions.Where(v => v.Stages.Count > 0))
        {
            var labels = new JsonArray();
            foreach (var stage in version.Stages)
            {
                labels.Add((JsonNode)stage);
            }

            stages[version.Id] = labels;
        }

        return stages;
    }

    private static JsonObject Value(StoredSecret secret, StoredVersion version)
    {
        var stages = new JsonArray();
        foreach (var stage in version.Stages)
        {
            stages.Add((JsonNode)stage);
        }

        var value = new JsonObject { ["ARN"] = secret.Arn, ["Name"] = secret.Name, ["VersionId"] = version.Id, ["VersionStages"] = stages, ["CreatedDate"] = Epoch(version.Created) };
        if (version.Text is not null)
        {
            value["SecretString"] = version.Text;
        }
        else
        {
            value["SecretBinary"] = Convert.ToBase64String(version.Binary!);
        }

        return value;
    }

    private static double Epoch(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 1000.0;

    private static JsonObject Error(string type, string? message)
    {
        var error = new JsonObject { ["__type"] = type };
        if (message is not null)
        {
            error["message"] = message;
        }

        return error;
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    private sealed class StoredSecret(string name, string arn, IReadOnlyDictionary<string, string> tags)
    {
        public string Name { get; } = name;

        public string Arn { get; } = arn;

        public IReadOnlyDictionary<string, string> Tags { get; } = tags;

        public List<StoredVersion> Versions { get; } = [];

        public DateTimeOffset LastChanged { get; set; }

        public DateTimeOffset? DeletedDate { get; set; }
    }

    private sealed class StoredVersion(string id, string? text, byte[]? binary, DateTimeOffset created)
    {
        public string Id { get; } = id;

        public string? Text { get; } = text;

        public byte[]? Binary { get; } = binary;

        public DateTimeOffset Created { get; } = created;

        public HashSet<string> Stages { get; } = new(StringComparer.Ordinal);
    }
}
