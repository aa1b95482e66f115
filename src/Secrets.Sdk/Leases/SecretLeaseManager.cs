using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Secrets.Sdk;

/// <summary>
/// Keeps leased credentials alive: renews each lease at a fraction of its duration (with jitter), rotates the
/// credential when a renewal can no longer extend it (max TTL reached, not renewable, repeated failures), and
/// revokes the replaced lease after a grace period. The model is Spring Vault's <c>SecretLeaseContainer</c>.
/// </summary>
/// <remarks>
/// Every delay goes through the <see cref="System.TimeProvider"/> given to the constructor. The engine uses one
/// manager per source for dynamic secrets; a backend can use one for its own auth token.
/// </remarks>
public sealed partial class SecretLeaseManager : IAsyncDisposable
{
    private readonly SecretLeaseOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _sourceName;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, TrackedLease> _tracked = new();
    private readonly ConcurrentDictionary<Task, byte> _revocations = new();
    private long _nextId;

    /// <summary>Creates a lease manager.</summary>
    /// <param name="options">When to renew, rotate and revoke.</param>
    /// <param name="timeProvider">The clock for every delay.</param>
    /// <param name="logger">Where lease events are logged.</param>
    /// <param name="sourceName">The owning source's name, used in logs and metric tags.</param>
    public SecretLeaseManager(SecretLeaseOptions options, TimeProvider timeProvider, ILogger? logger = null, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _sourceName = sourceName ?? "leases";
    }

    /// <summary>Raised for every lease event (renewed, capped, rotated, revoked, failures). Handlers must return quickly.</summary>
    public event EventHandler<SecretLeaseEventArgs>? LeaseChanged;

    /// <summary>Gets the number of leases currently tracked.</summary>
    public int Count => _tracked.Count;

    /// <summary>Starts tracking <paramref name="lease"/>.</summary>
    /// <param name="name">A name for logs and events (a secret path, or <c>token</c>); not a credential.</param>
    /// <param name="lease">The lease to keep alive.</param>
    /// <param name="renewer">Renews and revokes the lease.</param>
    /// <param name="rotation">Obtains a replacement when the lease cannot be renewed.</param>
    /// <returns>A registration; dispose it to stop tracking (without revoking).</returns>
    public SecretLeaseRegistration Track(string name, SecretLease lease, ISecretLeaseRenewer renewer, ILeaseRotationTarget rotation)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(renewer);
        ArgumentNullException.ThrowIfNull(rotation);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);

        var id = Interlocked.Increment(ref _nextId);
        var tracked = new TrackedLease(this, id, name, lease, renewer, rotation, CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token));
        _tracked[id] = tracked;
        tracked.Start();
        return new SecretLeaseRegistration(tracked);
    }

    /// <summary>Revokes every tracked lease now and stops tracking them (for shutdown).</summary>
    /// <param name="cancellationToken">Cancels the revocations.</param>
    /// <returns>A task that completes when every revocation finished or failed.</returns>
    public async ValueTask RevokeAllAsync(CancellationToken cancellationToken)
    {
        var leases = _tracked.Values.ToArray();
        foreach (var tracked in leases)
        {
            tracked.Stop();
        }

        foreach (var tracked in leases)
        {
            await RevokeNowAsync(tracked.Name, tracked.Current, tracked.Renewer, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops every renewal loop, revokes replaced leases still in their grace period, and waits for both.</summary>
    /// <returns>A task that completes when the loops stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        var loops = _tracked.Values.Select(t => t.Loop).Where(t => t is not null).Cast<Task>().ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);

        // Replaced leases still in their grace period are revoked now (RevokeLaterAsync does that when cancelled).
        await Task.WhenAll(_revocations.Keys).ConfigureAwait(false);
        _tracked.Clear();
        _stopping.Dispose();
    }

    /// <summary>The lease as the manager plans with it: a duration below <see cref="SecretLeaseOptions.MinimumLeaseDuration"/> counts as that floor.</summary>
    internal SecretLease Floor(string name, SecretLease lease)
    {
        if (lease.Duration >= _options.MinimumLeaseDuration)
        {
            return lease;
        }

        LogLeaseFloored(_logger, _sourceName, name, lease.LeaseId, lease.Duration, _options.MinimumLeaseDuration);
        return lease with { Duration = _options.MinimumLeaseDuration };
    }

    internal TimeSpan ComputeRenewalDelay(SecretLease lease, DateTimeOffset now)
    {
        var jitter = _options.Jitter == 0 ? 1.0 : 1.0 + (((Random.Shared.NextDouble() * 2) - 1) * _options.Jitter);
        var renewAt = lease.IssuedAt + (lease.Duration * (_options.RenewAtFraction * jitter));
        var latest = lease.ExpiresAt - ExpiryThreshold(lease);
        var due = renewAt < latest ? renewAt : latest;
        var delay = due - now;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
    }

    internal TimeSpan ExpiryThreshold(SecretLease lease)
    {
        var third = lease.Duration / 3;
        return _options.ExpiryThreshold < third ? _options.ExpiryThreshold : third;
    }

    private void Publish(string name, SecretLeaseEventKind kind, SecretLease lease, Exception? exception = null)
    {
        SecretsTelemetry.LeaseEvents.Add(1, new KeyValuePair<string, object?>("source", _sourceName), new KeyValuePair<string, object?>("kind", kind.ToString()));
        switch (kind)
        {
            case SecretLeaseEventKind.Renewed:
                LogRenewed(_logger, _sourceName, name, lease.LeaseId, lease.Duration);
                break;
            case SecretLeaseEventKind.RenewalCapped:
                LogCapped(_logger, _sourceName, name, lease.LeaseId, lease.Duration);
                break;
            case SecretLeaseEventKind.Rotated:
                LogRotated(_logger, _sourceName, name, lease.LeaseId, lease.Duration);
                break;
            case SecretLeaseEventKind.Revoked:
                LogRevoked(_logger, _sourceName, name, lease.LeaseId);
                break;
            case SecretLeaseEventKind.Expired:
                LogExpired(_logger, _sourceName, name, lease.LeaseId);
                break;
            default:
                LogFailure(_logger, _sourceName, name, lease.LeaseId, kind, exception?.GetType().Name ?? "none", exception?.Message ?? string.Empty);
                break;
        }

        try
        {
            LeaseChanged?.Invoke(this, new SecretLeaseEventArgs(name, kind, lease, exception));
        }
        catch (Exception ex)
        {
            // A subscriber's bug must not stop lease renewal.
            LogHandlerFailed(_logger, _sourceName, ex.GetType().Name);
        }
    }

    private async Task RevokeNowAsync(string name, SecretLease lease, ISecretLeaseRenewer renewer, CancellationToken cancellationToken)
    {
        try
        {
            await renewer.RevokeLeaseAsync(lease, cancellationToken).ConfigureAwait(false);
            Publish(name, SecretLeaseEventKind.Revoked, lease);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A failed revocation is reported; the lease expires on its own.
            Publish(name, SecretLeaseEventKind.RevocationFailed, lease, ex);
        }
    }

    private void ScheduleRevocation(string name, SecretLease replaced, ISecretLeaseRenewer renewer)
    {
        if (!_options.RevokeReplacedLeases)
        {
            return;
        }

        // Revoked even when (nearly) expired: the backend may count expiry differently, and a credential we replaced
        // must not stay usable. The grace never outlasts the lease.
        var remaining = replaced.ExpiresAt - _timeProvider.GetUtcNow();
        var grace = _options.RevokeGracePeriod < remaining ? _options.RevokeGracePeriod : remaining;
        var task = RevokeLaterAsync(name, replaced, renewer, grace > TimeSpan.Zero ? grace : TimeSpan.Zero);
        _revocations[task] = 0;
        _ = task.ContinueWith(t => _revocations.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RevokeLaterAsync(string name, SecretLease replaced, ISecretLeaseRenewer renewer, TimeSpan grace)
    {
        try
        {
            if (grace > TimeSpan.Zero)
            {
                await Task.Delay(grace, _timeProvider, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: revoke now rather than leave a replaced credential alive.
        }

        // Never cancelled by a shutdown once started either, for the same reason: the call is bounded by the backend's
        // request timeout, and the shutdown that waits for it by SecretsManagerBuilder.ShutdownTimeout.
        await RevokeNowAsync(name, replaced, renewer, CancellationToken.None).ConfigureAwait(false);
    }

    private void Untrack(long id) => _tracked.TryRemove(id, out _);

    [LoggerMessage(1101, LogLevel.Debug, "Source {Source}: lease {LeaseId} of {Name} renewed for {Duration}.")]
    private static partial void LogRenewed(ILogger logger, string source, string name, string leaseId, TimeSpan duration);

    [LoggerMessage(1102, LogLevel.Information, "Source {Source}: lease {LeaseId} of {Name} can no longer be extended (granted {Duration}); rotating the credential.")]
    private static partial void LogCapped(ILogger logger, string source, string name, string leaseId, TimeSpan duration);

    [LoggerMessage(1103, LogLevel.Information, "Source {Source}: {Name} rotated to a new credential with lease {LeaseId} for {Duration}.")]
    private static partial void LogRotated(ILogger logger, string source, string name, string leaseId, TimeSpan duration);

    [LoggerMessage(1104, LogLevel.Debug, "Source {Source}: lease {LeaseId} of {Name} revoked.")]
    private static partial void LogRevoked(ILogger logger, string source, string name, string leaseId);

    [LoggerMessage(1105, LogLevel.Error, "Source {Source}: lease {LeaseId} of {Name} expired before it could be renewed or replaced.")]
    private static partial void LogExpired(ILogger logger, string source, string name, string leaseId);

    [LoggerMessage(1106, LogLevel.Warning, "Source {Source}: lease {LeaseId} of {Name}: {Kind} ({ErrorType}: {ErrorMessage}).")]
    private static partial void LogFailure(ILogger logger, string source, string name, string leaseId, SecretLeaseEventKind kind, string errorType, string errorMessage);

    [LoggerMessage(1108, LogLevel.Warning, "Source {Source}: lease {LeaseId} of {Name} was granted {Duration}, below the {Floor} floor; planning with the floor.")]
    private static partial void LogLeaseFloored(ILogger logger, string source, string name, string leaseId, TimeSpan duration, TimeSpan floor);

    [LoggerMessage(1109, LogLevel.Warning, "Source {Source}: rotation of {Name} rate-limited; the next one waits {Delay} (MinimumRotationInterval).")]
    private static partial void LogRotationLimited(ILogger logger, string source, string name, TimeSpan delay);

    [LoggerMessage(1107, LogLevel.Warning, "Source {Source}: a LeaseChanged handler threw {ErrorType}; lease management continues.")]
    private static partial void LogHandlerFailed(ILogger logger, string source, string errorType);

    internal sealed class TrackedLease
    {
        private readonly SecretLeaseManager _owner;
        private readonly long _id;
        private readonly CancellationTokenSource _cts;
        private volatile SecretLease _current;

        public TrackedLease(SecretLeaseManager owner, long id, string name, SecretLease lease, ISecretLeaseRenewer renewer, ILeaseRotationTarget rotation, CancellationTokenSource cts)
        {
            _owner = owner;
            _id = id;
            Name = name;
            _current = lease;
            Renewer = renewer;
            Rotation = rotation;
            _cts = cts;
        }

        public string Name { get; }

        public SecretLease Current => _current;

        public ISecretLeaseRenewer Renewer { get; }

        public ILeaseRotationTarget Rotation { get; }

        public Task? Loop { get; private set; }

        public void Start() => Loop = Task.Run(RunAsync);

        public void Stop()
        {
            _owner.Untrack(_id);
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already stopped.
            }
        }

        private async Task RunAsync()
        {
            var ct = _cts.Token;
            var failures = 0;
            var rotationDelay = TimeSpan.FromMilliseconds(500);
            var expiredReported = false;
            var lastRotation = _owner._timeProvider.GetUtcNow();
            var planned = _owner.Floor(Name, _current);
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var lease = planned;
                    var now = _owner._timeProvider.GetUtcNow();
                    var delay = failures == 0
                        ? _owner.ComputeRenewalDelay(lease, now)
                        : RetryDelay(lease, now, failures);
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _owner._timeProvider, ct).ConfigureAwait(false);
                    }

                    now = _owner._timeProvider.GetUtcNow();
                    if (now >= lease.ExpiresAt && !expiredReported)
                    {
                        expiredReported = true;
                        _owner.Publish(Name, SecretLeaseEventKind.Expired, lease);
                    }

                    var mustRotate = !lease.Renewable || now >= lease.ExpiresAt || failures >= _owner._options.MaxRenewalFailures;
                    if (!mustRotate)
                    {
                        var requested = _owner._options.RenewalIncrement ?? lease.Duration;
                        try
                        {
                            var renewed = await Renewer.RenewLeaseAsync(_current, requested, ct).ConfigureAwait(false);
                            failures = 0;
                            _current = renewed;
                            planned = _owner.Floor(Name, renewed);
                            var capped = renewed.Duration <= _owner._options.MinimumRenewal
                                || renewed.Duration + TimeSpan.FromSeconds(1) < requested;
                            if (!capped)
                            {
                                _owner.Publish(Name, SecretLeaseEventKind.Renewed, renewed);
                                continue;
                            }

                            _owner.Publish(Name, SecretLeaseEventKind.RenewalCapped, renewed);
                            lease = planned;
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            failures++;
                            _owner.Publish(Name, SecretLeaseEventKind.RenewalFailed, lease, ex);
                            var stillTime = _owner._timeProvider.GetUtcNow() < lease.ExpiresAt - _owner.ExpiryThreshold(lease);
                            if (failures < _owner._options.MaxRenewalFailures && stillTime)
                            {
                                continue;
                            }
                        }
                    }

                    // Rotate: obtain a replacement, put it into use, then revoke the old lease after the grace period.
                    // At most one rotation per MinimumRotationInterval, whatever the backend grants.
                    var sinceRotation = _owner._timeProvider.GetUtcNow() - lastRotation;
                    if (sinceRotation < _owner._options.MinimumRotationInterval)
                    {
                        var wait = _owner._options.MinimumRotationInterval - sinceRotation;
                        LogRotationLimited(_owner._logger, _owner._sourceName, Name, wait);
                        await Task.Delay(wait, _owner._timeProvider, ct).ConfigureAwait(false);
                    }

                    while (!ct.IsCancellationRequested)
                    {
                        try
                        {
                            var replaced = _current;
                            var replacement = await Rotation.RotateAsync(replaced, ct).ConfigureAwait(false);
                            lastRotation = _owner._timeProvider.GetUtcNow();
                            _current = replacement;
                            planned = _owner.Floor(Name, replacement);
                            failures = 0;
                            expiredReported = false;
                            rotationDelay = TimeSpan.FromMilliseconds(500);
                            _owner.Publish(Name, SecretLeaseEventKind.Rotated, replacement);
                            if (!string.Equals(replacement.LeaseId, replaced.LeaseId, StringComparison.Ordinal))
                            {
                                _owner.ScheduleRevocation(Name, replaced, Renewer);
                            }

                            break;
                        }
                        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                        {
                            _owner.Publish(Name, SecretLeaseEventKind.RotationFailed, lease, ex);
                            await Task.Delay(rotationDelay, _owner._timeProvider, ct).ConfigureAwait(false);
                            var next = rotationDelay.TotalMilliseconds * 1.5;
                            rotationDelay = TimeSpan.FromMilliseconds(Math.Min(next, 60_000));
                            if (!expiredReported && _owner._timeProvider.GetUtcNow() >= lease.ExpiresAt)
                            {
                                expiredReported = true;
                                _owner.Publish(Name, SecretLeaseEventKind.Expired, lease);
                            }
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Stopped.
            }
            finally
            {
                _cts.Dispose();
            }
        }

        private TimeSpan RetryDelay(SecretLease lease, DateTimeOffset now, int failures)
        {
            // Retry soon, but leave room to rotate before the expiry threshold.
            var remaining = lease.ExpiresAt - _owner.ExpiryThreshold(lease) - now;
            var backoff = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failures - 1), 60));
            if (remaining <= TimeSpan.Zero)
            {
                return TimeSpan.Zero;
            }

            var third = remaining / 3;
            return backoff < third ? backoff : third;
        }
    }
}
