using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace Secrets.Sdk.Testing;

/// <summary>
/// A secret store held in memory, for tests: versioned secrets (set, rotate, disable, delete), dynamic secrets with
/// leases (TTL, max TTL, renew, revoke, expiry), injected failures and latency, and call counters.
/// Thread-safe. Pair it with a <see cref="FakeTimeProvider"/> to drive time.
/// </summary>
public sealed class InMemorySecretStore : ILeasedSecretStore, IChangeNotifyingSecretStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, StoredSecret> _secrets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DynamicSecret> _dynamic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedLease> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SecretErrorKind> _failingSecrets = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private SecretErrorKind? _failEverything;
    private TaskCompletionSource? _hang;
    private int _openClients;
    private int _clientsCreated;
    private int _failListCalls;
    private SecretErrorKind _failListKind = SecretErrorKind.Unavailable;
    private TimeSpan? _failRetryAfter;
    private long _listCalls;
    private long _getCalls;
    private long _valuesRead;
    private long _renewCalls;
    private long _leaseCounter;
    private int _hangingCalls;

    /// <summary>Creates an empty store.</summary>
    /// <param name="name">The store's display name.</param>
    /// <param name="timeProvider">The clock for leases and latency; default <see cref="TimeProvider.System"/>.</param>
    public InMemorySecretStore(string name = "memory", TimeProvider? timeProvider = null)
    {
        Name = name;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public event EventHandler? Changed;

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int MaxBatchSize { get; set; } = 20;

    /// <summary>Gets or sets a delay added to every call (through the store's clock).</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Gets or sets a value indicating whether <see cref="Changed"/> is raised on every change. Default: <see langword="false"/>.</summary>
    public bool RaiseChangeEvents { get; set; }

    /// <summary>Gets how many list calls were made.</summary>
    public long ListCalls => Interlocked.Read(ref _listCalls);

    /// <summary>Gets how many value-read calls (batches) were made.</summary>
    public long GetCalls => Interlocked.Read(ref _getCalls);

    /// <summary>Gets how many secret values were read in total.</summary>
    public long ValuesRead => Interlocked.Read(ref _valuesRead);

    /// <summary>Gets how many lease renewals were asked for.</summary>
    public long RenewCalls => Interlocked.Read(ref _renewCalls);

    /// <summary>Gets how many clients made by <see cref="Connect"/> are not yet disposed.</summary>
    public int OpenClients => Volatile.Read(ref _openClients);

    /// <summary>Gets how many clients <see cref="Connect"/> has made.</summary>
    public int ClientsCreated => Volatile.Read(ref _clientsCreated);

    /// <summary>Gets how many calls are waiting on <see cref="HangEverything"/> right now.</summary>
    public int HangingCalls => Volatile.Read(ref _hangingCalls);

    /// <summary>
    /// Returns a new client over this store, as a backend package's factory would create an HTTP client: the engine owns
    /// and disposes it, and a disposed client throws <see cref="ObjectDisposedException"/> on every call. Use it with
    /// <c>AddStore(context => store.Connect(), options)</c> to test ownership.
    /// </summary>
    /// <returns>The client.</returns>
    public InMemorySecretStoreClient Connect()
    {
        Interlocked.Increment(ref _openClients);
        Interlocked.Increment(ref _clientsCreated);
        return new InMemorySecretStoreClient(this, () => Interlocked.Decrement(ref _openClients));
    }

    /// <summary>
    /// Makes every call wait without answering (a backend that accepts the connection and never replies) until
    /// <see cref="ClearFailures"/>. A hanging call ends only when its cancellation token fires.
    /// </summary>
    public void HangEverything()
    {
        lock (_gate)
        {
            _hang ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Sets (or rotates) a text secret; each call creates a new version.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="contentType">The content type, if any (for example <c>application/json</c>).</param>
    /// <param name="optional">Whether a failure to read it may be ignored.</param>
    /// <returns>The new version number.</returns>
    public int Set(string name, string value, string? contentType = null, bool optional = false) =>
        Set(name, SecretValue.FromText(value), contentType, optional);

    /// <summary>Sets (or rotates) a secret; each call creates a new version.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="contentType">The content type, if any.</param>
    /// <param name="optional">Whether a failure to read it may be ignored.</param>
    /// <returns>The new version number.</returns>
    public int Set(string name, SecretValue value, string? contentType = null, bool optional = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        int version;
        lock (_gate)
        {
            version = _secrets.TryGetValue(name, out var existing) ? existing.Version + 1 : 1;
            _secrets[name] = new StoredSecret(value, version, _timeProvider.GetUtcNow(), Enabled: true, contentType, optional);
        }

        OnChanged();
        return version;
    }

    /// <summary>Enables or disables a secret (a disabled secret is listed as disabled).</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="enabled">The new state.</param>
    public void SetEnabled(string name, bool enabled)
    {
        lock (_gate)
        {
            _secrets[name] = _secrets[name] with { Enabled = enabled };
        }

        OnChanged();
    }

    /// <summary>Deletes a secret.</summary>
    /// <param name="name">The secret's name.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public bool Delete(string name)
    {
        bool removed;
        lock (_gate)
        {
            removed = _secrets.Remove(name) | _dynamic.Remove(name);
        }

        OnChanged();
        return removed;
    }

    /// <summary>
    /// Adds a dynamic secret: each read mints a new credential (from <paramref name="generator"/>, given a serial number)
    /// with a lease of <paramref name="ttl"/> that renewals can extend up to <paramref name="maxTtl"/> after issue.
    /// </summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="generator">Makes the credential's value (JSON or text) from a serial number.</param>
    /// <param name="ttl">The lease duration granted at issue and on each renewal.</param>
    /// <param name="maxTtl">The most a lease can live after issue.</param>
    /// <param name="renewable">Whether leases can be renewed.</param>
    public void SetDynamic(string name, Func<int, string> generator, TimeSpan ttl, TimeSpan maxTtl, bool renewable = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(generator);
        lock (_gate)
        {
            _dynamic[name] = new DynamicSecret(generator, ttl, maxTtl, renewable);
        }
    }

    /// <summary>Returns whether the lease is still valid (issued, not revoked, not expired) at the store's current time.</summary>
    /// <param name="leaseId">The lease id.</param>
    /// <returns><see langword="true"/> while the credential works.</returns>
    public bool IsLeaseValid(string leaseId)
    {
        lock (_gate)
        {
            return _leases.TryGetValue(leaseId, out var lease) && !lease.Revoked && _timeProvider.GetUtcNow() < lease.ExpiresAt;
        }
    }

    /// <summary>Returns whether the lease was revoked.</summary>
    /// <param name="leaseId">The lease id.</param>
    /// <returns><see langword="true"/> when revoked.</returns>
    public bool IsLeaseRevoked(string leaseId)
    {
        lock (_gate)
        {
            return _leases.TryGetValue(leaseId, out var lease) && lease.Revoked;
        }
    }

    /// <summary>Gets how many issued leases were never revoked (whether or not they expired).</summary>
    public int UnrevokedLeases
    {
        get
        {
            lock (_gate)
            {
                return _leases.Values.Count(l => !l.Revoked);
            }
        }
    }

    /// <summary>Returns the lease ids issued for a dynamic secret, oldest first.</summary>
    /// <param name="name">The dynamic secret's name.</param>
    /// <returns>The lease ids.</returns>
    public IReadOnlyList<string> LeasesOf(string name)
    {
        lock (_gate)
        {
            return _leases.Values.Where(l => l.SecretName == name).OrderBy(l => l.Serial).Select(l => l.LeaseId).ToArray();
        }
    }

    /// <summary>Makes every call fail with <paramref name="kind"/> until <see cref="ClearFailures"/> (a sealed or unreachable backend).</summary>
    /// <param name="kind">The failure.</param>
    /// <param name="retryAfter">A Retry-After to report, for throttling.</param>
    public void FailEverything(SecretErrorKind kind = SecretErrorKind.Unavailable, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            _failEverything = kind;
            _failRetryAfter = retryAfter;
        }
    }

    /// <summary>Makes the next <paramref name="count"/> list calls fail with <paramref name="kind"/>.</summary>
    /// <param name="count">How many calls fail.</param>
    /// <param name="kind">The failure.</param>
    /// <param name="retryAfter">A Retry-After to report, for throttling.</param>
    public void FailNextListCalls(int count, SecretErrorKind kind = SecretErrorKind.Unavailable, TimeSpan? retryAfter = null)
    {
        lock (_gate)
        {
            _failListCalls = count;
            _failListKind = kind;
            _failRetryAfter = retryAfter;
        }
    }

    /// <summary>Makes reads of one secret fail with <paramref name="kind"/> until <see cref="ClearFailures"/>.</summary>
    /// <param name="name">The secret's name.</param>
    /// <param name="kind">The failure.</param>
    public void FailSecret(string name, SecretErrorKind kind = SecretErrorKind.AccessDenied)
    {
        lock (_gate)
        {
            _failingSecrets[name] = kind;
        }
    }

    /// <summary>Removes every injected failure.</summary>
    public void ClearFailures()
    {
        lock (_gate)
        {
            _failEverything = null;
            _failListCalls = 0;
            _failingSecrets.Clear();
            _failRetryAfter = null;
            _hang?.TrySetResult();
            _hang = null;
        }
    }

    /// <summary>Raises <see cref="Changed"/> as a push-capable backend would.</summary>
    public void NotifyChanged() => Changed?.Invoke(this, EventArgs.Empty);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _listCalls);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            ThrowIfFailingEverything(null);
            if (_failListCalls > 0)
            {
                _failListCalls--;
                throw Failure(_failListKind, null, _failRetryAfter);
            }

            var list = new List<SecretMetadata>(_secrets.Count + _dynamic.Count);
            foreach (var (name, secret) in _secrets)
            {
                list.Add(new SecretMetadata(name)
                {
                    Version = secret.Version.ToString(CultureInfo.InvariantCulture),
                    UpdatedOn = secret.UpdatedOn,
                    Enabled = secret.Enabled,
                    ContentType = secret.ContentType,
                    Optional = secret.Optional,
                });
            }

            foreach (var name in _dynamic.Keys)
            {
                list.Add(new SecretMetadata(name) { Version = "dynamic", Leased = true });
            }

            return list;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        Interlocked.Increment(ref _getCalls);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<SecretReadResult>(secrets.Count);
        lock (_gate)
        {
            ThrowIfFailingEverything(null);
            foreach (var requested in secrets)
            {
                if (_failingSecrets.TryGetValue(requested.Name, out var kind))
                {
                    results.Add(SecretReadResult.Failure(requested, Failure(kind, requested.Name, null)));
                }
                else if (_secrets.TryGetValue(requested.Name, out var stored))
                {
                    var metadata = new SecretMetadata(requested.Name)
                    {
                        Version = stored.Version.ToString(CultureInfo.InvariantCulture),
                        UpdatedOn = stored.UpdatedOn,
                        ContentType = stored.ContentType,
                        Optional = stored.Optional,
                    };
                    results.Add(SecretReadResult.Success(requested, new Secret(metadata, stored.Value)));
                }
                else if (_dynamic.TryGetValue(requested.Name, out var dynamic))
                {
                    results.Add(SecretReadResult.Success(requested, Mint(requested.Name, dynamic)));
                }
                else
                {
                    results.Add(SecretReadResult.Failure(requested, Failure(SecretErrorKind.NotFound, requested.Name, null)));
                }
            }
        }

        Interlocked.Add(ref _valuesRead, results.Count(r => r.Succeeded));
        return results;
    }

    /// <inheritdoc/>
    public async ValueTask<SecretLease> RenewLeaseAsync(SecretLease lease, TimeSpan increment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        Interlocked.Increment(ref _renewCalls);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            ThrowIfFailingEverything(lease.LeaseId);
            var now = _timeProvider.GetUtcNow();
            if (!_leases.TryGetValue(lease.LeaseId, out var issued) || issued.Revoked || now >= issued.ExpiresAt)
            {
                throw new SecretStoreException($"Lease '{lease.LeaseId}' is expired, revoked or unknown.", SecretErrorKind.LeaseExpired, Name, issued?.SecretName);
            }

            if (!issued.Renewable)
            {
                throw new SecretStoreException($"Lease '{lease.LeaseId}' is not renewable.", SecretErrorKind.InvalidRequest, Name, issued.SecretName);
            }

            // Like Vault: the grant is the increment asked for, capped by what is left of the max TTL.
            var left = issued.MaxExpiresAt - now;
            var granted = increment < left ? increment : left;
            issued.ExpiresAt = now + granted;
            return lease with { IssuedAt = now, Duration = granted };
        }
    }

    /// <inheritdoc/>
    public async ValueTask RevokeLeaseAsync(SecretLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await DelayAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            ThrowIfFailingEverything(lease.LeaseId);
            if (_leases.TryGetValue(lease.LeaseId, out var issued))
            {
                issued.Revoked = true;
            }
        }
    }

    private Secret Mint(string name, DynamicSecret dynamic)
    {
        var serial = (int)Interlocked.Increment(ref _leaseCounter);
        var now = _timeProvider.GetUtcNow();
        var leaseId = $"{name}/lease-{serial}";
        _leases[leaseId] = new IssuedLease(leaseId, name, serial, dynamic.Renewable, now + dynamic.MaxTtl) { ExpiresAt = now + dynamic.Ttl };
        var lease = new SecretLease(leaseId, now, dynamic.Ttl, dynamic.Renewable);
        var metadata = new SecretMetadata(name) { Version = "dynamic", Leased = true };
        return new Secret(metadata, SecretValue.FromText(dynamic.Generator(serial)), lease);
    }

    private void ThrowIfFailingEverything(string? secretName)
    {
        if (_failEverything is { } kind)
        {
            throw Failure(kind, secretName, _failRetryAfter);
        }
    }

    private SecretStoreException Failure(SecretErrorKind kind, string? secretName, TimeSpan? retryAfter)
    {
        var status = kind switch
        {
            SecretErrorKind.NotFound => 404,
            SecretErrorKind.AccessDenied => 403,
            SecretErrorKind.Unauthenticated => 401,
            SecretErrorKind.Throttled => 429,
            SecretErrorKind.Unavailable => 503,
            _ => 400,
        };
        var what = secretName is null ? "the store" : $"secret '{secretName}'";
        return new SecretStoreException($"Injected {kind} failure reading {what} from '{Name}'.", kind, Name, secretName, status, kind.ToString(), retryAfter);
    }

    private async ValueTask DelayAsync(CancellationToken cancellationToken)
    {
        Task? hang;
        lock (_gate)
        {
            hang = _hang?.Task;
        }

        if (hang is not null)
        {
            Interlocked.Increment(ref _hangingCalls);
            try
            {
                await hang.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _hangingCalls);
            }
        }

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private void OnChanged()
    {
        if (RaiseChangeEvents)
        {
            NotifyChanged();
        }
    }

    private sealed record StoredSecret(SecretValue Value, int Version, DateTimeOffset UpdatedOn, bool Enabled, string? ContentType, bool Optional);

    private sealed record DynamicSecret(Func<int, string> Generator, TimeSpan Ttl, TimeSpan MaxTtl, bool Renewable);

    private sealed class IssuedLease(string leaseId, string secretName, int serial, bool renewable, DateTimeOffset maxExpiresAt)
    {
        public string LeaseId { get; } = leaseId;

        public string SecretName { get; } = secretName;

        public int Serial { get; } = serial;

        public bool Renewable { get; } = renewable;

        public DateTimeOffset MaxExpiresAt { get; } = maxExpiresAt;

        public DateTimeOffset ExpiresAt { get; set; }

        public bool Revoked { get; set; }
    }
}
