using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Secrets.Sdk.Http;

namespace Secrets.Sdk.Vault;

/// <summary>
/// The Vault token's lifecycle: login (or <c>lookup-self</c> for a given token), renewal with
/// <c>auth/token/renew-self</c> through the engine's <see cref="SecretLeaseManager"/>, a new login when renewal can no
/// longer extend the token (max TTL) or fails, and a new login on 403. Token lease ids are accessors, never tokens.
/// </summary>
/// <remarks>https://developer.hashicorp.com/vault/api-docs/auth/token#renew-a-token-self.</remarks>
internal sealed partial class VaultTokenManager : ISecretLeaseRenewer, ILeaseRotationTarget, IAsyncDisposable
{
    private readonly VaultClient _client;
    private readonly VaultAuthentication _authentication;
    private readonly SecretLeaseManager _leases;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<string, string> _tokensByAccessor = new(StringComparer.Ordinal);
    private volatile string? _token;
    private SecretLeaseRegistration? _registration;

    public VaultTokenManager(VaultClient client, VaultAuthentication authentication, SecretLeaseOptions leaseOptions, TimeProvider time, ILogger logger)
    {
        _client = client;
        _authentication = authentication;
        _time = time;
        _logger = logger;
        _leases = new SecretLeaseManager(leaseOptions, time, logger, client.Name + " token");
        client.Tokens = this;
    }

    public SecretLeaseManager Leases => _leases;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is null)
            {
                Track(await LoginCoreAsync(cancellationToken).ConfigureAwait(false));
            }

            return _token!;
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
            if (!string.Equals(_token, failedToken, StringComparison.Ordinal))
            {
                return true; // Another caller already logged in again.
            }

            LogRelogin(_logger, _client.Name, _authentication.ToString() ?? "login");
            Track(await LoginCoreAsync(cancellationToken).ConfigureAwait(false));
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<SecretLease> RenewLeaseAsync(SecretLease lease, TimeSpan increment, CancellationToken cancellationToken)
    {
        var body = VaultClient.Json(new VaultIncrementRequest { Increment = $"{(long)increment.TotalSeconds}s" }, VaultJsonContext.Default.VaultIncrementRequest);
        var response = await _client.SendAsync(HttpMethod.Post, "auth/token/renew-self", body, VaultJsonContext.Default.VaultAuthResponse, cancellationToken).ConfigureAwait(false);
        var auth = response!.Auth ?? throw _client.Http.MissingField(new BackendOperation("POST auth/token/renew-self"), "auth");
        return lease with { IssuedAt = _time.GetUtcNow(), Duration = TimeSpan.FromSeconds(auth.LeaseDuration), Renewable = auth.Renewable };
    }

    public async ValueTask RevokeLeaseAsync(SecretLease lease, CancellationToken cancellationToken)
    {
        if (_tokensByAccessor.TryRemove(lease.LeaseId, out var token))
        {
            await _client.SendAsync(HttpMethod.Post, "auth/token/revoke-self", null, VaultJsonContext.Default.VaultAuthResponse, cancellationToken, token: token, allowNoContent: true).ConfigureAwait(false);
        }
    }

    /// <summary>Called by the lease manager when the token can no longer be renewed: log in again.</summary>
    public async ValueTask<SecretLease> RotateAsync(SecretLease expiring, CancellationToken cancellationToken)
    {
        if (!_authentication.CanLogin)
        {
            throw new SecretStoreException($"The Vault token ({_authentication}) reached its max TTL and cannot be replaced: use a login method or a token file.", SecretErrorKind.LeaseExpired, _client.Name);
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await LoginCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _registration?.Dispose();
        await _leases.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task<SecretLease> LoginCoreAsync(CancellationToken cancellationToken)
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

        _token = login.Token;
        var id = accessor ?? "token";
        _tokensByAccessor[id] = login.Token;
        return new SecretLease(id, _time.GetUtcNow(), ttl.Value, renewable);
    }

    private void Track(SecretLease lease)
    {
        _registration?.Dispose();
        _registration = lease.Duration > TimeSpan.Zero ? _leases.Track("token", lease, this, this) : null; // A root token (TTL 0) never expires.
    }

    [LoggerMessage(4101, LogLevel.Information, "{Vault}: token rejected (403); logging in again with {Method}.")]
    private static partial void LogRelogin(ILogger logger, string vault, string method);
}
