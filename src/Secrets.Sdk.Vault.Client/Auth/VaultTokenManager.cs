using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// The Vault token's lifecycle, on its own (no engine): login (or <c>lookup-self</c> for a given token), renewal with
/// <c>auth/token/renew-self</c> at a fraction of its TTL, a new login when Vault can no longer extend it (max TTL), when
/// renewal keeps failing or the token is dead, and a new login on 403 (through <see cref="VaultClient"/>). A replaced
/// token is revoked after a grace period. One background loop per connection, every wait on the given
/// <see cref="TimeProvider"/>, every retry bounded; it stops when the connection is disposed.
/// </summary>
/// <remarks>https://developer.hashicorp.com/vault/api-docs/auth/token#renew-a-token-self.</remarks>
internal sealed partial class VaultTokenManager : IAsyncDisposable
{
    private static readonly TimeSpan FirstLoginRetryDelay = TimeSpan.FromMilliseconds(500);
    private readonly VaultClient _client;
    private readonly VaultAuthentication _authentication;
    private readonly VaultTokenRenewalOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _source;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _revocations = new();
    private TokenState? _current;
    private TaskCompletionSource _replaced = NewSignal();
    private Task? _loop;
    private int _disposed;

    public VaultTokenManager(VaultClient client, VaultAuthentication authentication, VaultTokenRenewalOptions options, TimeProvider time, ILogger logger)
    {
        _client = client;
        _authentication = authentication;
        _options = options;
        _time = time;
        _logger = logger;
        _source = client.Name + " token";
        client.Tokens = this;
    }

    /// <summary>Gets the token's lease as last granted (the id is the accessor, never the token), or null before the first login.</summary>
    public SecretLease? CurrentLease => Volatile.Read(ref _current)?.Lease;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _current) is { } current)
        {
            return current.Token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _current) is null)
            {
                Replace(await LoginCoreAsync(cancellationToken).ConfigureAwait(false));
            }

            return Volatile.Read(ref _current)!.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Logs in again after a 403 with <paramref name="failedToken"/>; false when the method cannot log in again.</summary>
    public async ValueTask<bool> ReloginAsync(string failedToken, CancellationToken cancellationToken)
    {
        if (!_authentication.CanLogin)
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!string.Equals(Volatile.Read(ref _current)?.Token, failedToken, StringComparison.Ordinal))
            {
                return true; // Another caller already logged in again.
            }

            LogRelogin(_logger, _client.Name, _authentication.ToString() ?? "login");
            Replace(await LoginCoreAsync(cancellationToken).ConfigureAwait(false)); // The failed token is dead: nothing to revoke.
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _loop) is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        // Replaced tokens still in their grace period are revoked now (RevokeLaterAsync does that when cancelled).
        await Task.WhenAll(_revocations.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>When the renewal is due: at <see cref="VaultTokenRenewalOptions.RenewAtFraction"/> of the TTL (jittered), and no later than the expiry threshold.</summary>
    private TimeSpan RenewalDelay(SecretLease lease, DateTimeOffset now)
    {
        var jitter = _options.Jitter == 0 ? 1.0 : 1.0 + (((Random.Shared.NextDouble() * 2) - 1) * _options.Jitter);
        var renewAt = lease.IssuedAt + (lease.Duration * (_options.RenewAtFraction * jitter));
        var latest = lease.ExpiresAt - ExpiryThreshold(lease);
        var delay = (renewAt < latest ? renewAt : latest) - now;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool IsDeadToken(Exception ex) =>
        ex is SecretStoreException { Kind: SecretErrorKind.AccessDenied or SecretErrorKind.Unauthenticated };

    private TimeSpan ExpiryThreshold(SecretLease lease)
    {
        var third = lease.Duration / 3;
        return _options.ExpiryThreshold < third ? _options.ExpiryThreshold : third;
    }

    /// <summary>Puts <paramref name="state"/> into use, wakes the renewal loop to plan for it, and starts the loop on the first token.</summary>
    private void Replace(TokenState state)
    {
        Volatile.Write(ref _current, state);
        Interlocked.Exchange(ref _replaced, NewSignal()).TrySetResult();
        if (Volatile.Read(ref _loop) is null && Volatile.Read(ref _disposed) == 0)
        {
            Volatile.Write(ref _loop, Task.Run(RunAsync));
        }
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        var failures = 0;
        var lastLogin = _time.GetUtcNow();
        SecretLease? expiredReported = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var replaced = Volatile.Read(ref _replaced).Task; // Read before the token: a login after this wakes the wait below.
                var state = Volatile.Read(ref _current)!;
                if (state.Lease.Duration <= TimeSpan.Zero)
                {
                    await replaced.WaitAsync(ct).ConfigureAwait(false); // A root token (TTL 0) never expires: nothing to renew.
                    continue;
                }

                var lease = Floor(state.Lease);
                var now = _time.GetUtcNow();
                var delay = failures == 0 ? RenewalDelay(lease, now) : RetryDelay(lease, now, failures);
                if (!await WaitAsync(delay, replaced, ct).ConfigureAwait(false))
                {
                    failures = 0; // A 403 brought a new token: plan for that one.
                    continue;
                }

                now = _time.GetUtcNow();
                if (now >= lease.ExpiresAt && !ReferenceEquals(expiredReported, state.Lease))
                {
                    expiredReported = state.Lease;
                    LogExpired(_logger, _client.Name, lease.LeaseId);
                    VaultTokenTelemetry.Count(_source, "Expired");
                }

                var mustLogin = !lease.Renewable || now >= lease.ExpiresAt || failures >= _options.MaxRenewalFailures;
                if (!mustLogin)
                {
                    var requested = _options.RenewalIncrement ?? lease.Duration;
                    try
                    {
                        var renewed = await RenewSelfAsync(state, requested, ct).ConfigureAwait(false);
                        failures = 0;
                        Interlocked.CompareExchange(ref _current, state with { Lease = renewed }, state);
                        if (renewed.Duration > _options.MinimumRenewal && renewed.Duration + TimeSpan.FromSeconds(1) >= requested)
                        {
                            LogRenewed(_logger, _client.Name, renewed.LeaseId, renewed.Duration);
                            VaultTokenTelemetry.Count(_source, "Renewed");
                            continue;
                        }

                        LogCapped(_logger, _client.Name, renewed.LeaseId, renewed.Duration); // Max TTL: only a new login extends it.
                        VaultTokenTelemetry.Count(_source, "RenewalCapped");
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        failures++;
                        LogRenewalFailed(_logger, _client.Name, lease.LeaseId, failures, ex.GetType().Name, ex.Message);
                        VaultTokenTelemetry.Count(_source, "RenewalFailed");
                        var stillTime = _time.GetUtcNow() < lease.ExpiresAt - ExpiryThreshold(lease);
                        if (!IsDeadToken(ex) && failures < _options.MaxRenewalFailures && stillTime)
                        {
                            continue;
                        }
                    }
                }

                if (!_authentication.CanLogin)
                {
                    // A fixed token cannot be replaced: say so once, then nothing is left to do (requests fail with Vault's 403).
                    LogCannotReplace(_logger, _client.Name, lease.LeaseId, _authentication.ToString() ?? "token", lease.ExpiresAt);
                    VaultTokenTelemetry.Count(_source, "RotationFailed");
                    await replaced.WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }

                var sinceLogin = _time.GetUtcNow() - lastLogin;
                if (sinceLogin < _options.MinimumLoginInterval)
                {
                    await Task.Delay(_options.MinimumLoginInterval - sinceLogin, _time, ct).ConfigureAwait(false);
                }

                await LoginReplacingAsync(state, ct).ConfigureAwait(false);
                lastLogin = _time.GetUtcNow();
                failures = 0;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    /// <summary>Logs in until it succeeds (waits growing by half up to the cap), replacing <paramref name="expiring"/> unless a 403 already did.</summary>
    private async Task LoginReplacingAsync(TokenState expiring, CancellationToken ct)
    {
        var retryDelay = FirstLoginRetryDelay;
        while (true)
        {
            try
            {
                TokenState old;
                await _gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    old = Volatile.Read(ref _current)!;
                    if (!string.Equals(old.Token, expiring.Token, StringComparison.Ordinal))
                    {
                        return; // Replaced meanwhile (a 403 logged in again).
                    }

                    var replacement = await LoginCoreAsync(ct).ConfigureAwait(false);
                    Replace(replacement);
                    LogLoggedIn(_logger, _client.Name, replacement.Lease.LeaseId, replacement.Lease.Duration);
                    VaultTokenTelemetry.Count(_source, "Rotated");
                }
                finally
                {
                    _gate.Release();
                }

                if (_options.RevokeReplacedTokens)
                {
                    ScheduleRevocation(old);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogLoginFailed(_logger, _client.Name, _authentication.ToString() ?? "login", retryDelay, ex.GetType().Name, ex.Message);
                VaultTokenTelemetry.Count(_source, "RotationFailed");
                await Task.Delay(retryDelay, _time, ct).ConfigureAwait(false);
                var next = TimeSpan.FromMilliseconds(retryDelay.TotalMilliseconds * 1.5);
                retryDelay = next < _options.MaxLoginRetryDelay ? next : _options.MaxLoginRetryDelay;
            }
        }
    }

    /// <summary>Waits <paramref name="delay"/>; false when a new token arrived first.</summary>
    private async Task<bool> WaitAsync(TimeSpan delay, Task replaced, CancellationToken ct)
    {
        if (delay <= TimeSpan.Zero)
        {
            return !replaced.IsCompleted;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(delay, _time, wait.Token);
        if (await Task.WhenAny(timer, replaced).ConfigureAwait(false) == replaced)
        {
            await wait.CancelAsync().ConfigureAwait(false);
            return false;
        }

        await timer.ConfigureAwait(false); // Throws when disposed.
        return true;
    }

    private TimeSpan RetryDelay(SecretLease lease, DateTimeOffset now, int failures)
    {
        // Retry soon, but leave room to log in before the expiry threshold.
        var remaining = lease.ExpiresAt - ExpiryThreshold(lease) - now;
        if (remaining <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var backoff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failures - 1), 60));
        var third = remaining / 3;
        return backoff < third ? backoff : third;
    }

    private SecretLease Floor(SecretLease lease) =>
        lease.Duration >= _options.MinimumTokenDuration ? lease : lease with { Duration = _options.MinimumTokenDuration };

    private async Task<SecretLease> RenewSelfAsync(TokenState state, TimeSpan increment, CancellationToken cancellationToken)
    {
        var body = VaultClient.Json(new VaultIncrementRequest { Increment = $"{(long)increment.TotalSeconds}s" }, VaultJsonContext.Default.VaultIncrementRequest);
        var response = await _client.SendAsync(HttpMethod.Post, "auth/token/renew-self", body, VaultJsonContext.Default.VaultAuthResponse, cancellationToken, token: state.Token).ConfigureAwait(false);
        var auth = response!.Auth ?? throw _client.Http.MissingField(new BackendOperation("POST auth/token/renew-self"), "auth");
        return state.Lease with { IssuedAt = _time.GetUtcNow(), Duration = TimeSpan.FromSeconds(Math.Max(0, auth.LeaseDuration)), Renewable = auth.Renewable };
    }

    private void ScheduleRevocation(TokenState replaced)
    {
        // The grace never outlasts the token; revoked even when (nearly) expired, so a replaced token stops working.
        var remaining = replaced.Lease.ExpiresAt - _time.GetUtcNow();
        var grace = _options.RevokeGracePeriod < remaining ? _options.RevokeGracePeriod : remaining;
        var task = RevokeLaterAsync(replaced, grace > TimeSpan.Zero ? grace : TimeSpan.Zero);
        _revocations[task] = 0;
        _ = task.ContinueWith(t => _revocations.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RevokeLaterAsync(TokenState replaced, TimeSpan grace)
    {
        var stopping = false;
        try
        {
            if (grace > TimeSpan.Zero)
            {
                await Task.Delay(grace, _time, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            stopping = true; // Disposing: revoke now rather than leave a replaced token alive.
        }

        try
        {
            await _client.SendAsync(HttpMethod.Post, "auth/token/revoke-self", null, VaultJsonContext.Default.VaultAuthResponse, stopping ? CancellationToken.None : _stopping.Token, token: replaced.Token, allowNoContent: true).ConfigureAwait(false);
            LogRevoked(_logger, _client.Name, replaced.Lease.LeaseId);
            VaultTokenTelemetry.Count(_source, "Revoked");
        }
#pragma warning disable CA1031 // A failed revocation is reported; the token expires on its own.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRevokeFailed(_logger, _client.Name, replaced.Lease.LeaseId, ex.GetType().Name, ex.Message);
            VaultTokenTelemetry.Count(_source, "RevocationFailed");
        }
    }

    private async Task<TokenState> LoginCoreAsync(CancellationToken cancellationToken)
    {
        var login = await _authentication.LoginAsync(_client, cancellationToken).ConfigureAwait(false);
        var accessor = login.Accessor;
        var ttl = login.Ttl;
        var renewable = login.Renewable;
        if (ttl is null)
        {
            var lookup = await _client.SendAsync(HttpMethod.Get, "auth/token/lookup-self", null, VaultJsonContext.Default.VaultTokenLookupResponse, cancellationToken, token: login.Token).ConfigureAwait(false);
            var data = lookup!.Data ?? throw _client.Http.MissingField(new BackendOperation("GET auth/token/lookup-self"), "data");
            accessor = data.Accessor;
            ttl = TimeSpan.FromSeconds(Math.Max(0, data.Ttl));
            renewable = data.Renewable;
        }

        return new TokenState(login.Token, new SecretLease(accessor ?? "token", _time.GetUtcNow(), ttl.Value, renewable));
    }

    [LoggerMessage(4101, LogLevel.Information, "{Vault}: token rejected (403); logging in again with {Method}.")]
    private static partial void LogRelogin(ILogger logger, string vault, string method);

    [LoggerMessage(4102, LogLevel.Debug, "{Vault}: token {Accessor} renewed for {Duration}.")]
    private static partial void LogRenewed(ILogger logger, string vault, string accessor, TimeSpan duration);

    [LoggerMessage(4103, LogLevel.Information, "{Vault}: token {Accessor} can no longer be extended (granted {Duration}, max TTL); logging in again.")]
    private static partial void LogCapped(ILogger logger, string vault, string accessor, TimeSpan duration);

    [LoggerMessage(4104, LogLevel.Warning, "{Vault}: renewal {Attempt} of token {Accessor} failed ({ErrorType}: {ErrorMessage}).")]
    private static partial void LogRenewalFailed(ILogger logger, string vault, string accessor, int attempt, string errorType, string errorMessage);

    [LoggerMessage(4105, LogLevel.Information, "{Vault}: logged in again; new token {Accessor} for {Duration}.")]
    private static partial void LogLoggedIn(ILogger logger, string vault, string accessor, TimeSpan duration);

    [LoggerMessage(4106, LogLevel.Warning, "{Vault}: login with {Method} failed ({ErrorType}: {ErrorMessage}); trying again in {Delay}.")]
    private static partial void LogLoginFailed(ILogger logger, string vault, string method, TimeSpan delay, string errorType, string errorMessage);

    [LoggerMessage(4107, LogLevel.Error, "{Vault}: token {Accessor} ({Method}) can no longer be renewed and cannot be replaced; it expires at {ExpiresAt}. Use a login method or a token file.")]
    private static partial void LogCannotReplace(ILogger logger, string vault, string accessor, string method, DateTimeOffset expiresAt);

    [LoggerMessage(4108, LogLevel.Debug, "{Vault}: replaced token {Accessor} revoked.")]
    private static partial void LogRevoked(ILogger logger, string vault, string accessor);

    [LoggerMessage(4109, LogLevel.Debug, "{Vault}: revoking replaced token {Accessor} failed ({ErrorType}: {ErrorMessage}); it expires on its own.")]
    private static partial void LogRevokeFailed(ILogger logger, string vault, string accessor, string errorType, string errorMessage);

    [LoggerMessage(4110, LogLevel.Error, "{Vault}: token {Accessor} expired before it could be renewed or replaced.")]
    private static partial void LogExpired(ILogger logger, string vault, string accessor);

    /// <summary>A token and its lease (the lease id is the token's accessor, safe to log).</summary>
    private sealed record TokenState(string Token, SecretLease Lease);
}
