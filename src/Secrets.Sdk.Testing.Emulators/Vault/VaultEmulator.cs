using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

using Secrets.Sdk.Testing.Emulators.Faults;

namespace Secrets.Sdk.Testing.Emulators;

/// <summary>
/// An in-process emulator of the subset of HashiCorp Vault's HTTP API that Secrets.Sdk uses, on 127.0.0.1 with a free
/// port. Paths, JSON shapes, headers and status codes follow Vault's API documentation:
/// KV v2 https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2,
/// KV v1 https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v1,
/// tokens https://developer.hashicorp.com/vault/api-docs/auth/token,
/// AppRole https://developer.hashicorp.com/vault/api-docs/auth/approle,
/// Kubernetes https://developer.hashicorp.com/vault/api-docs/auth/kubernetes,
/// JWT https://developer.hashicorp.com/vault/api-docs/auth/jwt,
/// leases https://developer.hashicorp.com/vault/api-docs/system/leases,
/// database https://developer.hashicorp.com/vault/api-docs/secret/databases,
/// Transit https://developer.hashicorp.com/vault/api-docs/secret/transit,
/// errors https://developer.hashicorp.com/vault/api-docs#error-response.
/// Time comes from the given <see cref="TimeProvider"/>, so tests drive TTLs by hand.
/// </summary>
public sealed class VaultEmulator : IAsyncDisposable
{
    /// <summary>The root token: every path, every capability, no expiry.</summary>
    public const string RootToken = "root-token";

    /// <summary>
    /// How many versions a KV v2 secret keeps when neither the mount nor the secret sets <c>max_versions</c>: Vault's
    /// default, 10 (https://developer.hashicorp.com/vault/docs/secrets/kv#kv-version-2).
    /// </summary>
    public const int DefaultKvMaxVersions = 10;

    /// <summary>
    /// How many ended (revoked or expired) leases, and as many ended tokens, the emulator still remembers for
    /// <see cref="IsLeaseRevoked"/> and <see cref="LeasesUnder"/>; older ones are forgotten, as Vault forgets a lease or a
    /// token once it is revoked or expired (to a client both answer the same: 400 on renewal, 403 on use).
    /// </summary>
    private const int EndedKept = 32;

    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly Dictionary<string, KvMount> _kv = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Token> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DatabaseRole> _databaseRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TransitKey> _transit = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentQueue<string> _namespaces = new();
    private LoopbackServer? _server;
    private int _failNext;
    private int _failStatus;
    private long _serial;

    /// <summary>Creates an emulator.</summary>
    /// <param name="time">The clock for TTLs; default <see cref="TimeProvider.System"/>.</param>
    public VaultEmulator(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _tokens[RootToken] = new Token(RootToken, "root-accessor", [VaultEmulatorPolicy.All(string.Empty)], null, null, Renewable: false, Issued: _time.GetUtcNow());
        Faults = new EmulatorFaultInjector(
            _time,
            r => (r.Method == "GET" && r.Query.ContainsKey("list") ? "LIST" : r.Method) + " " + (r.Path.Value is { } p && p.StartsWith("/v1/", StringComparison.Ordinal) ? p[4..] : string.Empty),
            (context, fault) =>
            {
                fault.ApplyRetryAfter(context.Response);
                return fault.Kind == EmulatorFaultKind.Throttled
                    ? WriteAsync(context, 429, Errors("rate limit quota exceeded"))
                    : WriteAsync(context, 503, Errors("Vault is sealed"));
            });
    }

    /// <summary>
    /// Gets the fault injector every request passes through first (set its <see cref="EmulatorFaultInjector.Policy"/> to
    /// throttle, fail, hang, reset, truncate or drip answers; none by default).
    /// </summary>
    public EmulatorFaultInjector Faults { get; }

    /// <summary>Gets the base address (http://127.0.0.1:port).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1");

    /// <summary>Gets or sets a real-time delay added to every request (latency injection for benchmarks).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>
    /// Gets or sets the active node's address when this emulator plays a standby with request forwarding off: every
    /// request then answers <c>307</c> with <c>Location</c> on the active node (same path and query), as Vault's client
    /// redirection does (https://developer.hashicorp.com/vault/docs/concepts/ha#client-redirection).
    /// </summary>
    public Uri? StandbyOf { get; set; }

    /// <summary>Gets or sets a value indicating whether Vault is sealed (every request answers 503).</summary>
    public bool Sealed { get; set; }

    /// <summary>Gets or sets a server certificate; when set, the emulator listens with HTTPS.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Gets or sets a function that rewrites the <c>data</c> of every successful Transit answer (given the path below
    /// <c>transit/</c>), to emulate a faulty or hostile server.
    /// </summary>
    public Func<string, JsonObject, JsonObject>? TransitAnswerRewriter { get; set; }

    /// <summary>Gets the <c>X-Vault-Namespace</c> header of every request (empty when absent), in order.</summary>
    public IReadOnlyList<string> Namespaces => _namespaces.ToArray();

    /// <summary>Gets every request as "METHOD path", in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>Starts listening on 127.0.0.1 with a free port.</summary>
    /// <returns>A task that completes when the emulator accepts requests.</returns>
    public async Task StartAsync()
    {
        _server = await LoopbackServer.StartAsync(HandleAsync, Certificate, Faults).ConfigureAwait(false);
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

    /// <summary>Counts requests whose "METHOD path" starts with <paramref name="prefix"/>.</summary>
    /// <param name="prefix">For example <c>GET secret/data/</c>.</param>
    /// <returns>The count.</returns>
    public int Count(string prefix) => _requests.Count(r => r.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Makes the next <paramref name="count"/> requests fail with <paramref name="status"/> (429 carries Retry-After: 1).</summary>
    /// <param name="count">How many requests fail.</param>
    /// <param name="status">429, 500, 503 or 412.</param>
    public void FailNext(int count, int status = 429)
    {
        _failStatus = status;
        Volatile.Write(ref _failNext, count);
    }

    /// <summary>Mounts a KV engine.</summary>
    /// <param name="mount">The mount path, for example <c>secret</c>.</param>
    /// <param name="version">1 or 2.</param>
    public void EnableKv(string mount, int version)
    {
        lock (_gate)
        {
            _kv[mount] = new KvMount(version);
        }
    }

    /// <summary>
    /// Sets how many versions a KV v2 secret keeps (<c>max_versions</c>), for the whole mount as
    /// <c>POST /:mount/config</c> does, or for one secret as <c>POST /:mount/metadata/:path</c> does; 0 falls back to the
    /// mount's setting, then to <see cref="DefaultKvMaxVersions"/>. A write beyond the limit deletes the oldest versions
    /// for good (https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2#configure-the-kv-engine); a lower limit
    /// takes effect at the next write, as in Vault.
    /// </summary>
    /// <param name="mount">The KV v2 mount.</param>
    /// <param name="maxVersions">The versions to keep, 0 or more.</param>
    /// <param name="path">A secret path, or null for the mount.</param>
    public void SetKvMaxVersions(string mount, int maxVersions, string? path = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxVersions);
        lock (_gate)
        {
            var kv = _kv[mount];
            if (path is null)
            {
                kv.MaxVersions = maxVersions;
            }
            else
            {
                SecretOf(kv, path).MaxVersions = maxVersions;
            }
        }
    }

    /// <summary>Writes a secret (a new version on KV v2, the oldest deleted beyond <c>max_versions</c>).</summary>
    /// <param name="mount">The KV mount.</param>
    /// <param name="path">The secret path.</param>
    /// <param name="data">The key/value data.</param>
    /// <returns>The new version (1 for KV v1).</returns>
    public int PutKv(string mount, string path, IReadOnlyDictionary<string, string> data)
    {
        lock (_gate)
        {
            var kv = _kv[mount];
            var secret = SecretOf(kv, path);
            secret.Created ??= _time.GetUtcNow();
            var node = new JsonObject();
            foreach (var (k, v) in data)
            {
                node[k] = v;
            }

            if (kv.Version == 1)
            {
                secret.Versions.Clear();
                secret.Versions.Add(new KvVersion(1, node.ToJsonString(), _time.GetUtcNow()));
                return 1;
            }

            var number = secret.Versions.Count == 0 ? 1 : secret.Versions[^1].Number + 1;
            secret.Versions.Add(new KvVersion(number, node.ToJsonString(), _time.GetUtcNow()));

            // Vault keeps max_versions versions (the secret's, else the mount's, else 10) and destroys the oldest beyond.
            var keep = secret.MaxVersions > 0 ? secret.MaxVersions : kv.MaxVersions > 0 ? kv.MaxVersions : DefaultKvMaxVersions;
            if (secret.Versions.Count > keep)
            {
                secret.Versions.RemoveRange(0, secret.Versions.Count - keep);
            }

            return number;
        }
    }

    /// <summary>Soft-deletes (KV v2 delete) or destroys the latest version of a secret.</summary>
    /// <param name="mount">The KV mount.</param>
    /// <param name="path">The secret path.</param>
    /// <param name="destroy">Destroy instead of delete.</param>
    public void DeleteLatestKv(string mount, string path, bool destroy = false)
    {
        lock (_gate)
        {
            var latest = _kv[mount].Secrets[path].Versions[^1];
            latest.DeletedAt = _time.GetUtcNow();
            latest.Destroyed = destroy;
        }
    }

    /// <summary>Creates a token with policies, a TTL and a max TTL.</summary>
    /// <param name="ttl">The TTL granted at issue and per renewal.</param>
    /// <param name="maxTtl">The most the token can live.</param>
    /// <param name="policies">What it may do.</param>
    /// <returns>The token.</returns>
    public string CreateToken(TimeSpan? ttl, TimeSpan? maxTtl, params VaultEmulatorPolicy[] policies)
    {
        lock (_gate)
        {
            return Issue(policies, ttl, maxTtl).Id;
        }
    }

    /// <summary>
    /// Ends every token except the root token now, as an operator's revocation or a token outliving its TTL would: the
    /// next request with one of them answers 403 (permission denied).
    /// </summary>
    /// <returns>How many tokens were ended.</returns>
    public int ExpireTokens()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var ended = 0;
            foreach (var token in _tokens.Values.Where(t => t.Id != RootToken && !t.Revoked && (t.ExpiresAt is null || t.ExpiresAt > now)))
            {
                token.ExpiresAt = now;
                ended++;
            }

            return ended;
        }
    }

    /// <summary>Registers an AppRole (auth/approle) role.</summary>
    /// <param name="roleId">The role id.</param>
    /// <param name="secretId">The secret id.</param>
    /// <param name="tokenTtl">Token TTL.</param>
    /// <param name="tokenMaxTtl">Token max TTL.</param>
    /// <param name="policies">Token policies.</param>
    public void AddAppRole(string roleId, string secretId, TimeSpan tokenTtl, TimeSpan tokenMaxTtl, params VaultEmulatorPolicy[] policies) =>
        AddRole("approle:" + roleId, secretId, tokenTtl, tokenMaxTtl, policies);

    /// <summary>Registers a Kubernetes (auth/kubernetes) or JWT (auth/jwt) role accepting one JWT.</summary>
    /// <param name="mount">The auth mount (<c>kubernetes</c> or <c>jwt</c>).</param>
    /// <param name="role">The role name.</param>
    /// <param name="jwt">The JWT the role accepts.</param>
    /// <param name="tokenTtl">Token TTL.</param>
    /// <param name="tokenMaxTtl">Token max TTL.</param>
    /// <param name="policies">Token policies.</param>
    public void AddJwtRole(string mount, string role, string jwt, TimeSpan tokenTtl, TimeSpan tokenMaxTtl, params VaultEmulatorPolicy[] policies) =>
        AddRole(mount + ":" + role, jwt, tokenTtl, tokenMaxTtl, policies);

    /// <summary>Registers a database secrets engine role under <c>database/creds/{role}</c>.</summary>
    /// <param name="role">The role.</param>
    /// <param name="ttl">Default lease TTL (also each renewal's grant).</param>
    /// <param name="maxTtl">Max lease TTL.</param>
    public void AddDatabaseRole(string role, TimeSpan ttl, TimeSpan maxTtl)
    {
        lock (_gate)
        {
            _databaseRoles[role] = new DatabaseRole(ttl, maxTtl);
        }
    }

    /// <summary>Creates a Transit key (aes256-gcm96) at version 1.</summary>
    /// <param name="name">The key name.</param>
    public void CreateTransitKey(string name)
    {
        lock (_gate)
        {
            _transit[name] = new TransitKey([RandomNumberGenerator.GetBytes(32)]);
        }
    }

    /// <summary>Rotates a Transit key (adds a version).</summary>
    /// <param name="name">The key name.</param>
    public void RotateTransitKey(string name)
    {
        lock (_gate)
        {
            _transit[name].Versions.Add(RandomNumberGenerator.GetBytes(32));
        }
    }

    /// <summary>Sets a Transit key's <c>min_decryption_version</c>.</summary>
    /// <param name="name">The key name.</param>
    /// <param name="version">The minimum version.</param>
    public void SetMinDecryptionVersion(string name, int version)
    {
        lock (_gate)
        {
            _transit[name].MinDecryptionVersion = version;
        }
    }

    /// <summary>Returns whether a lease is live (issued, not revoked, not expired).</summary>
    /// <param name="leaseId">The lease id.</param>
    /// <returns>True while the credential works.</returns>
    public bool IsLeaseValid(string leaseId)
    {
        lock (_gate)
        {
            return _leases.TryGetValue(leaseId, out var lease) && !lease.Revoked && _time.GetUtcNow() < lease.ExpiresAt;
        }
    }

    /// <summary>Returns whether a lease was revoked (false once the emulator forgot it: see <see cref="LeasesUnder"/>).</summary>
    /// <param name="leaseId">The lease id.</param>
    /// <returns>True when revoked.</returns>
    public bool IsLeaseRevoked(string leaseId)
    {
        lock (_gate)
        {
            return _leases.TryGetValue(leaseId, out var lease) && lease.Revoked;
        }
    }

    /// <summary>Returns the lease id that issued a database username.</summary>
    /// <param name="username">The username from the credential.</param>
    /// <returns>The lease id, or null.</returns>
    public string? LeaseOfUsername(string username)
    {
        lock (_gate)
        {
            return _leases.Values.FirstOrDefault(l => l.Username == username)?.Id;
        }
    }

    /// <summary>
    /// Returns the lease ids issued under a path prefix that the emulator still holds (live, and the last few ended),
    /// oldest first.
    /// </summary>
    /// <param name="prefix">For example <c>database/creds/orders</c>.</param>
    /// <returns>The lease ids.</returns>
    public IReadOnlyList<string> LeasesUnder(string prefix)
    {
        lock (_gate)
        {
            return _leases.Values.Where(l => l.Id.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(l => l.Serial).Select(l => l.Id).ToArray();
        }
    }

    /// <summary>
    /// Gets how many tokens the emulator holds: the root token, live tokens, and the last few ended (revoked or expired)
    /// ones; older ended tokens are forgotten, as Vault forgets them.
    /// </summary>
    public int TokenCount
    {
        get
        {
            lock (_gate)
            {
                return _tokens.Count;
            }
        }
    }

    /// <summary>Returns whether a token is live.</summary>
    /// <param name="token">The token.</param>
    /// <returns>True while it authenticates.</returns>
    public bool IsTokenValid(string token)
    {
        lock (_gate)
        {
            return _tokens.TryGetValue(token, out var t) && !t.Revoked && (t.ExpiresAt is null || _time.GetUtcNow() < t.ExpiresAt);
        }
    }

    private void AddRole(string key, string secret, TimeSpan ttl, TimeSpan maxTtl, VaultEmulatorPolicy[] policies)
    {
        lock (_gate)
        {
            _roles[key] = new Role(secret, ttl, maxTtl, policies);
        }
    }

    private Token Issue(VaultEmulatorPolicy[] policies, TimeSpan? ttl, TimeSpan? maxTtl)
    {
        var serial = Interlocked.Increment(ref _serial);
        var now = _time.GetUtcNow();
        var token = new Token($"hvs.emulated{serial:D6}", $"accessor-{serial:D6}", policies, ttl, maxTtl is null ? null : now + maxTtl, Renewable: ttl is not null, Issued: now)
        {
            Serial = serial,
            ExpiresAt = ttl is null ? null : now + ttl,
        };
        _tokens[token.Id] = token;
        Forget(_tokens, t => t.Revoked || (t.ExpiresAt is { } e && now >= e), t => t.Serial);
        return token;
    }

    /// <summary>
    /// Forgets the oldest ended entries of <paramref name="table"/> beyond the last <see cref="EndedKept"/>, so the
    /// tables stay bounded however long a test runs: Vault itself deletes a lease or token when it is revoked or expires
    /// (https://developer.hashicorp.com/vault/docs/concepts/lease#lease-durations-and-renewal).
    /// </summary>
    private static void Forget<T>(Dictionary<string, T> table, Func<T, bool> ended, Func<T, long> serial)
    {
        if (table.Count <= EndedKept)
        {
            return;
        }

        var gone = table.Where(e => ended(e.Value)).ToList();
        if (gone.Count <= EndedKept)
        {
            return;
        }

        foreach (var entry in gone.OrderBy(e => serial(e.Value)).Take(gone.Count - EndedKept))
        {
            table.Remove(entry.Key);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method == "GET" && request.Query.ContainsKey("list") ? "LIST" : request.Method;
        var path = request.Path.Value is { } p && p.StartsWith("/v1/", StringComparison.Ordinal) ? p[4..] : string.Empty;
        _requests.Enqueue(method + " " + path);
        _namespaces.Enqueue(request.Headers["X-Vault-Namespace"].ToString());
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency).ConfigureAwait(false);
        }

        if (StandbyOf is { } active)
        {
            context.Response.StatusCode = 307;
            context.Response.Headers.Location = new Uri(active, request.Path.Value!.TrimStart('/') + request.QueryString).ToString();
            return;
        }

        if (Sealed)
        {
            await WriteAsync(context, 503, Errors("Vault is sealed")).ConfigureAwait(false);
            return;
        }

        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            if (_failStatus == 429)
            {
                context.Response.Headers.RetryAfter = "1";
            }

            await WriteAsync(context, _failStatus, Errors(_failStatus == 429 ? $"request path \"{path}\": rate limit quota exceeded" : "injected failure")).ConfigureAwait(false);
            return;
        }

        JsonObject? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            body = await JsonNode.ParseAsync(request.Body).ConfigureAwait(false) as JsonObject;
        }

        var (status, response) = Dispatch(method, path, body, request.Headers["X-Vault-Token"].ToString());
        await WriteAsync(context, status, response).ConfigureAwait(false);
    }

    private (int Status, JsonNode? Body) Dispatch(string method, string path, JsonObject? body, string tokenId)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (path.StartsWith("auth/", StringComparison.Ordinal) && path.EndsWith("/login", StringComparison.Ordinal))
            {
                return Login(path["auth/".Length..^"/login".Length], body);
            }

            if (!_tokens.TryGetValue(tokenId, out var token) || token.Revoked || (token.ExpiresAt is { } exp && now >= exp))
            {
                return (403, Errors("permission denied"));
            }

            switch (path)
            {
                case "auth/token/lookup-self":
                    return (200, new JsonObject { ["data"] = TokenData(token, now) });
                case "auth/token/renew-self":
                    return RenewToken(token, body, now);
                case "auth/token/revoke-self":
                    token.Revoked = true;
                    Forget(_tokens, t => t.Revoked || (t.ExpiresAt is { } e && now >= e), t => t.Serial);
                    return (204, null);
                case "sys/leases/renew" when method is "PUT" or "POST":
                    return RenewLease(body, now);
                case "sys/leases/revoke" when method is "PUT" or "POST":
                    if (_leases.TryGetValue(body?["lease_id"]?.GetValue<string>() ?? string.Empty, out var revoked))
                    {
                        revoked.Revoked = true;
                        ForgetEndedLeases(now);
                    }

                    return (204, null);
            }

            if (path.StartsWith("sys/internal/ui/mounts/", StringComparison.Ordinal))
            {
                return MountInfo(path["sys/internal/ui/mounts/".Length..]);
            }

            var capability = method switch { "GET" => "read", "LIST" => "list", "DELETE" => "delete", _ => "update" };
            if (!token.Policies.Any(p => path.StartsWith(p.PathPrefix, StringComparison.Ordinal) && p.Capabilities.Contains(capability)))
            {
                return (403, Errors("permission denied"));
            }

            if (path.StartsWith("database/creds/", StringComparison.Ordinal) && method == "GET")
            {
                return IssueDatabaseCredential(path["database/creds/".Length..], now);
            }

            if (path.StartsWith("transit/", StringComparison.Ordinal))
            {
                var (status, answer) = Transit(path["transit/".Length..], body);
                if (TransitAnswerRewriter is { } rewrite && answer is JsonObject envelope && envelope["data"] is JsonObject data)
                {
                    envelope.Remove("data");
                    envelope["data"] = rewrite(path["transit/".Length..], data);
                }

                return (status, answer);
            }

            var mount = _kv.Keys.Where(m => path.StartsWith(m + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length).FirstOrDefault();
            return mount is null ? (404, Errors($"no handler for route \"{path}\"")) : Kv(_kv[mount], method, path[(mount.Length + 1)..]);
        }
    }

    private (int, JsonNode?) Login(string mount, JsonObject? body)
    {
        string key;
        string secret;
        if (mount == "approle")
        {
            key = "approle:" + body?["role_id"]?.GetValue<string>();
            secret = body?["secret_id"]?.GetValue<string>() ?? string.Empty;
        }
        else
        {
            key = mount + ":" + body?["role"]?.GetValue<string>();
            secret = body?["jwt"]?.GetValue<string>() ?? string.Empty;
        }

        if (!_roles.TryGetValue(key, out var role) || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(role.Secret), Encoding.UTF8.GetBytes(secret)))
        {
            return (400, Errors(mount == "approle" ? "invalid role or secret ID" : "invalid role name or JWT"));
        }

        var token = Issue(role.Policies, role.Ttl, role.MaxTtl);
        return (200, AuthResponse(token, role.Ttl));
    }

    private (int, JsonNode?) RenewToken(Token token, JsonObject? body, DateTimeOffset now)
    {
        if (!token.Renewable || token.Ttl is null)
        {
            return (400, Errors("lease is not renewable"));
        }

        var increment = ParseSeconds(body?["increment"]) ?? token.Ttl.Value;
        var granted = Cap(increment, token.MaxExpiresAt, now);
        token.ExpiresAt = now + granted;
        return (200, AuthResponse(token, granted));
    }

    private (int, JsonNode?) RenewLease(JsonObject? body, DateTimeOffset now)
    {
        var id = body?["lease_id"]?.GetValue<string>() ?? string.Empty;
        if (!_leases.TryGetValue(id, out var lease) || lease.Revoked || now >= lease.ExpiresAt)
        {
            return (400, Errors("lease not found or lease is not renewable"));
        }

        // The grant is the increment asked for, capped by what is left of the max TTL.
        var increment = ParseSeconds(body?["increment"]) ?? lease.Ttl;
        var granted = Cap(increment, lease.MaxExpiresAt, now);
        lease.ExpiresAt = now + granted;
        return (200, new JsonObject { ["lease_id"] = id, ["renewable"] = true, ["lease_duration"] = (long)granted.TotalSeconds });
    }

    private (int, JsonNode?) IssueDatabaseCredential(string role, DateTimeOffset now)
    {
        if (!_databaseRoles.TryGetValue(role, out var definition))
        {
            return (400, Errors($"unknown role: {role}"));
        }

        var serial = Interlocked.Increment(ref _serial);
        var id = $"database/creds/{role}/lease{serial:D6}";
        var username = $"v-{role}-{serial:D6}";
        _leases[id] = new Lease(id, serial, definition.Ttl, now + definition.MaxTtl, username) { ExpiresAt = now + definition.Ttl };
        ForgetEndedLeases(now);
        return (200, new JsonObject
        {
            ["request_id"] = Guid.NewGuid().ToString(),
            ["lease_id"] = id,
            ["renewable"] = true,
            ["lease_duration"] = (long)definition.Ttl.TotalSeconds,
            ["data"] = new JsonObject { ["username"] = username, ["password"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)) },
        });
    }

    private void ForgetEndedLeases(DateTimeOffset now) => Forget(_leases, l => l.Revoked || now >= l.ExpiresAt, l => l.Serial);

    private static KvSecret SecretOf(KvMount kv, string path)
    {
        if (!kv.Secrets.TryGetValue(path, out var secret))
        {
            kv.Secrets[path] = secret = new KvSecret();
        }

        return secret;
    }

    private (int, JsonNode?) MountInfo(string path)
    {
        var mount = _kv.Keys.Where(m => path == m || path.StartsWith(m + "/", StringComparison.Ordinal)).OrderByDescending(m => m.Length).FirstOrDefault();
        if (mount is null)
        {
            return (403, Errors("preflight capability check returned 403, please ensure client's policies grant access to the path"));
        }

        return (200, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["path"] = mount + "/",
                ["type"] = "kv",
                ["options"] = new JsonObject { ["version"] = _kv[mount].Version.ToString(CultureInfo.InvariantCulture) },
            },
        });
    }

    private (int, JsonNode?) Kv(KvMount kv, string method, string rest)
    {
        if (kv.Version == 1)
        {
            return method == "LIST" ? List(kv, rest) : Read1(kv, rest);
        }

        if (rest.StartsWith("metadata/", StringComparison.Ordinal))
        {
            var path = rest["metadata/".Length..];
            return method == "LIST" ? List(kv, path) : Metadata(kv, path);
        }

        if (rest.StartsWith("data/", StringComparison.Ordinal) && method == "GET")
        {
            return Read2(kv, rest["data/".Length..]);
        }

        return (405, Errors("unsupported operation"));
    }

    private static (int, JsonNode?) List(KvMount kv, string path)
    {
        var prefix = path.TrimEnd('/');
        prefix = prefix.Length == 0 ? string.Empty : prefix + "/";
        var keys = kv.Secrets.Where(s => s.Value.Versions.Any(v => v.DeletedAt is null) || kv.Version == 2)
            .Select(s => s.Key)
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k =>
            {
                var remainder = k[prefix.Length..];
                var slash = remainder.IndexOf('/', StringComparison.Ordinal);
                return slash < 0 ? remainder : remainder[..(slash + 1)];
            })
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (keys.Length == 0)
        {
            return (404, Errors());
        }

        var array = new JsonArray();
        foreach (var key in keys)
        {
            array.Add((JsonNode)key);
        }

        return (200, new JsonObject { ["data"] = new JsonObject { ["keys"] = array } });
    }

    private static (int, JsonNode?) Read1(KvMount kv, string path)
    {
        if (!kv.Secrets.TryGetValue(path, out var secret) || secret.Versions is not { Count: > 0 } versions)
        {
            return (404, Errors());
        }

        return (200, new JsonObject
        {
            ["lease_id"] = string.Empty,
            ["renewable"] = false,
            ["lease_duration"] = 2764800,
            ["data"] = JsonNode.Parse(versions[^1].Data),
        });
    }

    private (int, JsonNode?) Metadata(KvMount kv, string path)
    {
        if (!kv.Secrets.TryGetValue(path, out var secret) || secret.Versions is not { Count: > 0 } versions)
        {
            return (404, Errors());
        }

        var all = new JsonObject();
        foreach (var version in versions)
        {
            all[version.Number.ToString(CultureInfo.InvariantCulture)] = VersionMetadata(version);
        }

        return (200, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["cas_required"] = false,
                ["created_time"] = Time(secret.Created ?? versions[0].Created),
                ["current_version"] = versions[^1].Number,
                ["delete_version_after"] = "0s",
                ["max_versions"] = secret.MaxVersions, // The secret's own setting; 0 when the mount's applies.
                ["oldest_version"] = versions[0].Number == 1 ? 0 : versions[0].Number,
                ["updated_time"] = Time(versions[^1].Created),
                ["custom_metadata"] = null,
                ["versions"] = all,
            },
        });
    }

    private (int, JsonNode?) Read2(KvMount kv, string pathAndQuery)
    {
        if (!kv.Secrets.TryGetValue(pathAndQuery, out var secret) || secret.Versions.Count == 0)
        {
            return (404, Errors());
        }

        var latest = secret.Versions[^1];
        var metadata = VersionMetadata(latest);
        metadata["version"] = latest.Number;
        if (latest.DeletedAt is not null)
        {
            // A deleted or destroyed version answers 404 with its metadata and no data.
            return (404, new JsonObject { ["data"] = new JsonObject { ["data"] = null, ["metadata"] = metadata } });
        }

        return (200, new JsonObject { ["data"] = new JsonObject { ["data"] = JsonNode.Parse(latest.Data), ["metadata"] = metadata } });
    }

    private (int, JsonNode?) Transit(string rest, JsonObject? body)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var operation = slash < 0 ? rest : rest[..slash];
        var name = slash < 0 ? string.Empty : rest[(slash + 1)..];
        if (operation == "datakey")
        {
            var parts = name.Split('/');
            if (parts.Length != 2 || !_transit.TryGetValue(parts[1], out var dataKeyKey))
            {
                return (400, Errors("encryption key not found"));
            }

            var bits = body?["bits"]?.GetValue<int>() ?? 256;
            var plaintext = RandomNumberGenerator.GetBytes(bits / 8);
            var data = new JsonObject { ["ciphertext"] = Seal(dataKeyKey, plaintext, null), ["key_version"] = dataKeyKey.Versions.Count };
            if (parts[0] == "plaintext")
            {
                data["plaintext"] = Convert.ToBase64String(plaintext);
            }

            return (200, new JsonObject { ["data"] = data });
        }

        if (!_transit.TryGetValue(name, out var key))
        {
            return (400, Errors("encryption key not found"));
        }

        var aad = body?["associated_data"]?.GetValue<string>() is { } a ? Convert.FromBase64String(a) : null;
        switch (operation)
        {
            case "encrypt":
                var sealedText = Seal(key, Convert.FromBase64String(body?["plaintext"]?.GetValue<string>() ?? string.Empty), aad);
                return (200, new JsonObject { ["data"] = new JsonObject { ["ciphertext"] = sealedText, ["key_version"] = key.Versions.Count } });
            case "decrypt":
            case "rewrap":
                var (ok, opened, error) = Open(key, body?["ciphertext"]?.GetValue<string>() ?? string.Empty, aad);
                if (!ok)
                {
                    return (400, Errors(error));
                }

                return operation == "decrypt"
                    ? (200, new JsonObject { ["data"] = new JsonObject { ["plaintext"] = Convert.ToBase64String(opened!) } })
                    : (200, new JsonObject { ["data"] = new JsonObject { ["ciphertext"] = Seal(key, opened!, aad), ["key_version"] = key.Versions.Count } });
            default:
                return (405, Errors("unsupported operation"));
        }
    }

    private static string Seal(TransitKey key, byte[] plaintext, byte[]? aad)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(key.Versions[^1], 16);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, aad);
        return $"vault:v{key.Versions.Count}:" + Convert.ToBase64String([.. nonce, .. ciphertext, .. tag]);
    }

    private static (bool Ok, byte[]? Plaintext, string Error) Open(TransitKey key, string text, byte[]? aad)
    {
        var parts = text.Split(':');
        if (parts.Length != 3 || parts[0] != "vault" || !parts[1].StartsWith('v') || !int.TryParse(parts[1].AsSpan(1), CultureInfo.InvariantCulture, out var version) || version < 1 || version > key.Versions.Count)
        {
            return (false, null, "invalid ciphertext: no prefix");
        }

        if (version < key.MinDecryptionVersion)
        {
            return (false, null, "ciphertext or signature version is disallowed by policy (too old)");
        }

        var blob = Convert.FromBase64String(parts[2]);
        var plaintext = new byte[blob.Length - 28];
        try
        {
            using var aes = new AesGcm(key.Versions[version - 1], 16);
            aes.Decrypt(blob.AsSpan(0, 12), blob.AsSpan(12, plaintext.Length), blob.AsSpan(blob.Length - 16), plaintext, aad);
            return (true, plaintext, string.Empty);
        }
        catch (AuthenticationTagMismatchException)
        {
            return (false, null, "cipher: message authentication failed");
        }
    }

    private static JsonObject VersionMetadata(KvVersion version) => new()
    {
        ["created_time"] = Time(version.Created),
        ["deletion_time"] = version.DeletedAt is { } d ? Time(d) : string.Empty,
        ["destroyed"] = version.Destroyed,
    };

    private JsonObject TokenData(Token token, DateTimeOffset now)
    {
        var policies = new JsonArray();
        foreach (var p in token.Policies)
        {
            policies.Add((JsonNode)p.PathPrefix);
        }

        return new JsonObject
        {
            ["accessor"] = token.Accessor,
            ["id"] = token.Id,
            ["policies"] = policies,
            ["renewable"] = token.Renewable,
            ["ttl"] = token.ExpiresAt is { } e ? (long)(e - now).TotalSeconds : 0,
            ["expire_time"] = token.ExpiresAt is { } e2 ? Time(e2) : null,
        };
    }

    private static JsonObject AuthResponse(Token token, TimeSpan granted) => new()
    {
        ["auth"] = new JsonObject
        {
            ["client_token"] = token.Id,
            ["accessor"] = token.Accessor,
            ["policies"] = new JsonArray(),
            ["lease_duration"] = (long)granted.TotalSeconds,
            ["renewable"] = token.Renewable,
        },
    };

    private static TimeSpan Cap(TimeSpan increment, DateTimeOffset? maxExpiresAt, DateTimeOffset now)
    {
        if (maxExpiresAt is not { } max)
        {
            return increment;
        }

        var left = max - now;
        return left < increment ? (left < TimeSpan.Zero ? TimeSpan.Zero : left) : increment;
    }

    private static TimeSpan? ParseSeconds(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.Number)
        {
            return TimeSpan.FromSeconds(node.GetValue<long>());
        }

        var text = node.GetValue<string>();
        return text.EndsWith('s') ? TimeSpan.FromSeconds(long.Parse(text[..^1], CultureInfo.InvariantCulture)) : TimeSpan.FromSeconds(long.Parse(text, CultureInfo.InvariantCulture));
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Errors(params string[] messages)
    {
        var array = new JsonArray();
        foreach (var message in messages)
        {
            array.Add((JsonNode)message);
        }

        return new JsonObject { ["errors"] = array };
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonNode? body)
    {
        context.Response.StatusCode = status;
        if (body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
        }
    }

    private sealed record KvMount(int Version)
    {
        public Dictionary<string, KvSecret> Secrets { get; } = new(StringComparer.Ordinal);

        /// <summary>Gets or sets the mount's <c>max_versions</c> (0: Vault's default).</summary>
        public int MaxVersions { get; set; }
    }

    private sealed class KvSecret
    {
        /// <summary>Gets the kept versions, oldest first (at most <c>max_versions</c>).</summary>
        public List<KvVersion> Versions { get; } = [];

        /// <summary>Gets or sets the secret's own <c>max_versions</c> (0: the mount's).</summary>
        public int MaxVersions { get; set; }

        /// <summary>Gets or sets when the first version was written (the metadata's <c>created_time</c>, kept when that version is gone).</summary>
        public DateTimeOffset? Created { get; set; }
    }

    private sealed class KvVersion(int number, string data, DateTimeOffset created)
    {
        public int Number { get; } = number;

        public string Data { get; } = data;

        public DateTimeOffset Created { get; } = created;

        public DateTimeOffset? DeletedAt { get; set; }

        public bool Destroyed { get; set; }
    }

    private sealed record Token(string Id, string Accessor, VaultEmulatorPolicy[] Policies, TimeSpan? Ttl, DateTimeOffset? MaxExpiresAt, bool Renewable, DateTimeOffset Issued)
    {
        public long Serial { get; init; }

        public DateTimeOffset? ExpiresAt { get; set; }

        public bool Revoked { get; set; }
    }

    private sealed record Role(string Secret, TimeSpan Ttl, TimeSpan MaxTtl, VaultEmulatorPolicy[] Policies);

    private sealed record DatabaseRole(TimeSpan Ttl, TimeSpan MaxTtl);

    private sealed record Lease(string Id, long Serial, TimeSpan Ttl, DateTimeOffset MaxExpiresAt, string Username)
    {
        public DateTimeOffset ExpiresAt { get; set; }

        public bool Revoked { get; set; }
    }

    private sealed record TransitKey(List<byte[]> Versions)
    {
        public int MinDecryptionVersion { get; set; } = 1;
    }
}
