using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Polly;

namespace Secrets.Sdk;

/// <summary>
/// One source at run time: loads it, refreshes it (metadata first, values only for changed secrets), keeps the
/// last good entries when a refresh fails, runs the jittered refresh loop and the lease manager.
/// </summary>
internal sealed class SecretSourceRuntime : IAsyncDisposable
{
    private readonly ISecretStore _store;
    private readonly bool _ownsStore;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _refreshGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<SecretSourceRuntime, IReadOnlyList<string>> _publish;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly HashSet<string> _failingSecrets = new(StringComparer.Ordinal);
    private SecretLeaseManager? _leaseManager;
    private Dictionary<string, LoadedSecret> _secrets = new(StringComparer.Ordinal);
    private TaskCompletionSource _signal = NewSignal();
    private Task? _loop;
    private int _stopped;

    // Status (written under _refreshGate, read anywhere).
    private volatile bool _isLoaded;
    private DateTimeOffset? _lastSuccessAt;
    private DateTimeOffset? _lastAttemptAt;
    private int _consecutiveFailures;
    private string? _lastError;

    public SecretSourceRuntime(ISecretStore store, SecretSourceOptions options, bool ownsStore, TimeProvider timeProvider, ILoggerFactory loggerFactory, Func<SecretSourceRuntime, IReadOnlyList<string>> publish)
    {
        _store = store;
        _ownsStore = ownsStore;
        Options = options;
        Name = options.Name ?? store.Name;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Secrets.Sdk.SecretSource");
        _pipeline = Options.Resilience.BuildPipeline(timeProvider, Name);
        _publish = publish;
        _sourceTag = new("source", Name);
        Entries = SecretSnapshot.Empty;
        if (_store is ILeasedSecretStore)
        {
            _leaseManager = new SecretLeaseManager(Options.Leases, timeProvider, loggerFactory.CreateLogger("Secrets.Sdk.Leases"), Name);
        }

        SecretsTelemetry.Register(this);
    }

    public string Name { get; }

    public SecretSourceOptions Options { get; }

    /// <summary>Gets the entries this source contributes (its last good snapshot).</summary>
    public SecretSnapshot Entries { get; private set; }

    public SecretLeaseManager? LeaseManager => _leaseManager;

    /// <summary>Gets the age of the last good load, or null before the first one.</summary>
    public TimeSpan? Age => _lastSuccessAt is { } at ? _timeProvider.GetUtcNow() - at : null;

    public SecretSourceStatus Status
    {
        get
        {
            var interval = Options.RefreshInterval;
            return new SecretSourceStatus
            {
                Name = Name,
                Optional = Options.Optional,
                IsLoaded = _isLoaded,
                LastSuccessAt = _lastSuccessAt,
                LastAttemptAt = _lastAttemptAt,
                ConsecutiveFailures = Volatile.Read(ref _consecutiveFailures),
                LastError = _lastError,
                SecretCount = Volatile.Read(ref _secrets).Count,
                KeyCount = Entries.Values.Count,
                FailedSecrets = SnapshotFailing(),
                DegradedAfter = Options.DegradedAfter ?? (interval * 3),
                UnhealthyAfter = Options.UnhealthyAfter ?? (interval * 10),
            };
        }
    }

    /// <summary>Loads the source for the first time. Throws <see cref="SecretsLoadException"/> when it (or a required secret) cannot load.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var started = _timeProvider.GetTimestamp();
            SecretsTelemetry.Loads.Add(1, _sourceTag);
            try
            {
                await RefreshCoreAsync(initial: true, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                RecordFailure(ex);
                if (ex is SecretsLoadException)
                {
                    throw;
                }

                throw new SecretsLoadException(
                    $"Secret source '{Name}' could not be loaded: {Describe(ex)}",
                    Name,
                    (ex as SecretStoreException)?.SecretName,
                    ex);
            }

            EngineLog.Loaded(_logger, Name, _secrets.Count, Entries.Values.Count, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Refreshes once and publishes a change if any. Never throws for store failures (stale-if-error).</summary>
    public async Task<(IReadOnlyList<string> Changed, Exception? Error)> RefreshAndPublishAsync(CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            bool entriesChanged;
            try
            {
                entriesChanged = await RefreshCoreAsync(initial: !_isLoaded, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                RecordFailure(ex);
                SecretsTelemetry.Refreshes.Add(1, _sourceTag, new("outcome", "failed"));
                return ([], ex);
            }

            var changed = entriesChanged ? _publish(this) : [];
            SecretsTelemetry.Refreshes.Add(1, _sourceTag, new("outcome", changed.Count > 0 ? "changed" : "unchanged"));
            if (changed.Count > 0)
            {
                EngineLog.Changed(_logger, Name, changed.Count);
            }

            return (changed, null);
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    /// <summary>Starts the refresh loop once; later calls do nothing (so IConfigurationRoot.Reload never leaks loops).</summary>
    public void StartLoop()
    {
        if (Volatile.Read(ref _stopped) != 0 || _loop is not null)
        {
            return;
        }

        if (_store is IChangeNotifyingSecretStore notifying)
        {
            notifying.Changed += OnStoreChanged;
        }
        else if (Options.RefreshInterval is null && _isLoaded)
        {
            return; // Nothing would ever wake the loop.
        }

        _loop = Task.Run(() => RunLoopAsync(_stopping.Token));
    }

    /// <summary>Wakes the loop for a refresh after the debounce delay (a change signal).</summary>
    public void Signal() => Volatile.Read(ref _signal).TrySetResult();

    public async Task StopAsync(bool revokeLeases, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        SecretsTelemetry.Unregister(this);

        if (_store is IChangeNotifyingSecretStore notifying)
        {
            notifying.Changed -= OnStoreChanged;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        if (_leaseManager is { } leases)
        {
            if (revokeLeases && Options.Leases.RevokeOnShutdown)
            {
                try
                {
                    await leases.RevokeAllAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    EngineLog.ShutdownRevokeFailed(_logger, Name, ex.GetType().Name);
                }
            }

            await leases.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(revokeLeases: false, CancellationToken.None).ConfigureAwait(false);
        switch (_ownsStore ? _store : null)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }

        _stopping.Dispose();
    }

    /// <summary>Replaces a leased secret with a freshly issued one (rotation) and publishes it as one change.</summary>
    internal async ValueTask<SecretLease> RotateLeasedSecretAsync(string secretName, CancellationToken cancellationToken)
    {
        await _refreshGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_secrets.TryGetValue(secretName, out var current))
            {
                throw new SecretStoreException($"Leased secret '{secretName}' is no longer part of source '{Name}'.", SecretErrorKind.NotFound, Name, secretName);
            }

            var results = await CallAsync("get", c => _store.GetSecretsAsync([current.Metadata], c), cancellationToken).ConfigureAwait(false);
            var result = results.FirstOrDefault(r => string.Equals(r.Requested.Name, secretName, StringComparison.Ordinal))
                ?? throw new SecretStoreException($"Store '{Name}' returned no result for '{secretName}'.", SecretErrorKind.InvalidResponse, Name, secretName);
            if (result.Error is { } error)
            {
                throw error;
            }

            var secret = result.Secret!;
            var lease = secret.Lease ?? throw new SecretStoreException($"Store '{Name}' returned no lease for dynamic secret '{secretName}'.", SecretErrorKind.InvalidResponse, Name, secretName);
            var key = SecretValueMapper.MapKey(secret.Metadata, Options);
            var entries = key is null ? [] : SecretValueMapper.Map(key, secret, Options, Name);
            var next = new Dictionary<string, LoadedSecret>(_secrets, StringComparer.Ordinal)
            {
                [secretName] = new LoadedSecret(current.Metadata, entries, current.Lease),
            };
            var snapshot = BuildEntries(next, initial: false);
            Volatile.Write(ref _secrets, next);
            Entries = snapshot;
            var changed = _publish(this);
            if (changed.Count > 0)
            {
                EngineLog.Changed(_logger, Name, changed.Count);
            }

            return lease;
        }
        finally
        {
            _refreshGate.Release();
        }
    }

    private async Task<bool> RefreshCoreAsync(bool initial, CancellationToken cancellationToken)
    {
        using var activity = SecretsTelemetry.ActivitySource.StartActivity(initial ? "secrets.load" : "secrets.refresh");
        activity?.SetTag("secrets.source", Name);
        _lastAttemptAt = _timeProvider.GetUtcNow();

        var listed = await CallAsync("list", c => _store.ListSecretsAsync(c), cancellationToken).ConfigureAwait(false);

        var previous = _secrets;
        var next = new Dictionary<string, LoadedSecret>(StringComparer.Ordinal);
        var toRead = new List<SecretMetadata>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metadata in listed)
        {
            if (!seen.Add(metadata.Name))
            {
                continue;
            }

            if (!metadata.Enabled)
            {
                EngineLog.SecretDisabled(_logger, Name, metadata.Name);
                continue;
            }

            if (previous.TryGetValue(metadata.Name, out var loaded)
                && (metadata.Leased || (metadata.Version is not null && string.Equals(metadata.Version, loaded.Metadata.Version, StringComparison.Ordinal))))
            {
                next[metadata.Name] = loaded;
            }
            else
            {
                toRead.Add(metadata);
            }
        }

        var failures = new List<(SecretMetadata Metadata, Exception Error)>();
        var leasesToTrack = new List<(string Name, SecretLease Lease)>();
        var results = await ReadAsync(toRead, cancellationToken).ConfigureAwait(false);
        foreach (var (requested, secret, error) in results)
        {
            var failure = error;
            if (secret is not null)
            {
                try
                {
                    var key = SecretValueMapper.MapKey(secret.Metadata, Options);
                    var entries = key is null ? [] : SecretValueMapper.Map(key, secret, Options, Name);
                    var metadata = secret.Metadata.Version is null && requested.Version is not null ? requested : secret.Metadata;
                    previous.TryGetValue(requested.Name, out var old);
                    next[requested.Name] = new LoadedSecret(metadata, entries, old?.Lease);
                    if (secret.Lease is not null && old?.Lease is null)
                    {
                        leasesToTrack.Add((requested.Name, secret.Lease));
                    }

                    continue;
                }
                catch (SecretStoreException ex)
                {
                    failure = ex;
                }
            }

            failures.Add((requested, failure!));
            if (previous.TryGetValue(requested.Name, out var stale))
            {
                next[requested.Name] = stale; // Stale-if-error for this secret, and its version stays so it is read again next time.
            }
        }

        if (initial)
        {
            var fatal = failures.FirstOrDefault(f => !Options.Optional && !f.Metadata.Optional);
            if (fatal.Error is not null)
            {
                var more = failures.Count > 1 ? $" ({failures.Count - 1} more secrets also failed)" : string.Empty;
                throw new SecretsLoadException(
                    $"Secret '{fatal.Metadata.Name}' of source '{Name}' could not be loaded: {Describe(fatal.Error)}{more}",
                    Name,
                    fatal.Metadata.Name,
                    fatal.Error);
            }
        }

        // Nothing read, nothing removed: the entries are exactly the last good ones; skip rebuilding and publishing.
        var unchanged = results.Count == 0 && next.Count == previous.Count && _isLoaded;
        var snapshot = unchanged ? Entries : BuildEntries(next, initial);

        // Commit. A failing secret is logged once per failure streak, and counted every time.
        lock (_failingSecrets)
        {
            foreach (var (metadata, error) in failures)
            {
                if (_failingSecrets.Add(metadata.Name))
                {
                    EngineLog.SecretSkipped(_logger, Name, metadata.Name, error.GetType().Name, SafeMessage(error));
                }

                SecretsTelemetry.Errors.Add(1, _sourceTag, new("kind", Kind(error)));
            }

            var failed = failures.Select(f => f.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            var recovered = results.Where(r => r.Secret is not null && !failed.Contains(r.Requested.Name)).Select(r => r.Requested.Name);
            _failingSecrets.ExceptWith(recovered);
            _failingSecrets.RemoveWhere(name => !seen.Contains(name));
        }

        foreach (var (name, old) in previous)
        {
            if (!next.ContainsKey(name) && old.Lease is { } registration)
            {
                // The secret is gone: stop renewing its lease and let the lease manager's grace logic not apply.
                registration.Dispose();
            }
        }

        Volatile.Write(ref _secrets, next);
        Entries = snapshot;
        TrackLeases(leasesToTrack);

        if (_consecutiveFailures > 0)
        {
            EngineLog.RefreshRecovered(_logger, Name, _consecutiveFailures);
        }

        _consecutiveFailures = 0;
        _lastError = null;
        _lastSuccessAt = _timeProvider.GetUtcNow();
        _isLoaded = true;
        if (!initial && toRead.Count == 0)
        {
            EngineLog.Unchanged(_logger, Name, listed.Count, 0);
        }

        return !unchanged;
    }

    private void TrackLeases(List<(string Name, SecretLease Lease)> leases)
    {
        if (leases.Count == 0 || _store is not ILeasedSecretStore leased || _leaseManager is null)
        {
            return;
        }

        var next = new Dictionary<string, LoadedSecret>(_secrets, StringComparer.Ordinal);
        foreach (var (name, lease) in leases)
        {
            var registration = _leaseManager.Track(name, lease, leased, new LeaseRotation(this, name));
            next[name] = next[name] with { Lease = registration };
        }

        Volatile.Write(ref _secrets, next);
    }

    private SecretSnapshot BuildEntries(Dictionary<string, LoadedSecret> secrets, bool initial)
    {
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in secrets.Keys.Order(StringComparer.Ordinal))
        {
            foreach (var (key, value) in secrets[name].Entries)
            {
                if (owners.TryGetValue(key, out var other))
                {
                    EngineLog.DuplicateKey(_logger, Name, other, name, key);
                    var message = $"Secrets '{other}' and '{name}' of source '{Name}' both map to configuration key '{key}'. Rename one, or set a KeyMapper, KeyPrefix or Section.";
                    if (initial)
                    {
                        throw new SecretsLoadException(message, Name, name, null);
                    }

                    throw new SecretStoreException(message, SecretErrorKind.InvalidRequest, Name, name);
                }

                owners[key] = name;
                values[key] = value;
            }
        }

        return SecretSnapshot.Own(values);
    }

    private async Task<List<(SecretMetadata Requested, Secret? Secret, Exception? Error)>> ReadAsync(List<SecretMetadata> toRead, CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<(SecretMetadata, Secret?, Exception?)>();
        if (toRead.Count == 0)
        {
            return [];
        }

        var batchSize = Math.Max(1, _store.MaxBatchSize);
        var batches = toRead.Chunk(batchSize).ToArray();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Options.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(batches, parallel, async (batch, ct) =>
        {
            IReadOnlyList<SecretReadResult> read;
            try
            {
                read = await CallAsync("get", c => _store.GetSecretsAsync(batch, c), ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                foreach (var metadata in batch)
                {
                    results.Add((metadata, null, ex));
                }

                return;
            }

            var byName = new Dictionary<string, SecretReadResult>(StringComparer.Ordinal);
            foreach (var result in read)
            {
                byName[result.Requested.Name] = result;
            }

            foreach (var metadata in batch)
            {
                if (!byName.TryGetValue(metadata.Name, out var result))
                {
                    results.Add((metadata, null, new SecretStoreException($"Store '{Name}' returned no result for secret '{metadata.Name}'.", SecretErrorKind.InvalidResponse, Name, metadata.Name)));
                }
                else
                {
                    results.Add((metadata, result.Secret, result.Error));
                }
            }

            SecretsTelemetry.SecretsRead.Add(read.Count(r => r.Succeeded), _sourceTag);
        }).ConfigureAwait(false);
        return [.. results];
    }

    private async ValueTask<T> CallAsync<T>(string operation, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
    {
        using var activity = SecretsTelemetry.ActivitySource.StartActivity("secrets.backend." + operation, ActivityKind.Client);
        activity?.SetTag("secrets.source", Name);
        var started = _timeProvider.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await _pipeline.ExecuteAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = Kind(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
        finally
        {
            var tags = new TagList { _sourceTag, { "operation", operation }, { "outcome", outcome } };
            SecretsTelemetry.BackendCalls.Add(1, tags);
            SecretsTelemetry.BackendLatency.Record(_timeProvider.GetElapsedTime(started).TotalMilliseconds, tags);
        }
    }

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset lastRun = _timeProvider.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var signalled = await WaitForNextRefreshAsync(NextDelay(), cancellationToken).ConfigureAwait(false);
                if (signalled && Options.ChangeDebounce > TimeSpan.Zero)
                {
                    await Task.Delay(Options.ChangeDebounce, _timeProvider, cancellationToken).ConfigureAwait(false);
                }

                var since = _timeProvider.GetUtcNow() - lastRun;
                if (since < Options.MinimumRefreshInterval)
                {
                    await Task.Delay(Options.MinimumRefreshInterval - since, _timeProvider, cancellationToken).ConfigureAwait(false);
                }

                // Reset before refreshing, so a change signalled during the refresh causes another one.
                Interlocked.Exchange(ref _signal, NewSignal());
                lastRun = _timeProvider.GetUtcNow();
                await RefreshAndPublishAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The loop must survive anything; the failure is logged and counted.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                EngineLog.LoopFault(_logger, Name, ex.GetType().Name);
                Interlocked.Increment(ref _consecutiveFailures);
            }
        }
    }

    private async Task<bool> WaitForNextRefreshAsync(TimeSpan? delay, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _signal).Task;
        if (delay is null)
        {
            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }

        using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = Task.Delay(delay.Value, _timeProvider, delayCancellation.Token);
        var winner = await Task.WhenAny(signal, timer).ConfigureAwait(false);
        await delayCancellation.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return winner == signal;
    }

    /// <summary>The next poll delay: the interval with jitter, or an exponential error back-off after failures.</summary>
    internal TimeSpan? NextDelay()
    {
        var failures = Volatile.Read(ref _consecutiveFailures);
        var interval = Options.RefreshInterval;
        TimeSpan? delay = interval;
        if (failures > 0 || !_isLoaded)
        {
            var exponent = Math.Min(Math.Max(failures, 1) - 1, 16);
            var backoff = TimeSpan.FromSeconds(5 * Math.Pow(2, exponent));
            if (backoff > Options.MaxErrorBackoff)
            {
                backoff = Options.MaxErrorBackoff;
            }

            delay = interval is { } i && i < backoff ? i : backoff;
        }

        if (delay is not { } d)
        {
            return null;
        }

        var factor = 1 + (((Random.Shared.NextDouble() * 2) - 1) * Options.RefreshJitter);
        var jittered = d * factor;
        return jittered < Options.MinimumRefreshInterval ? Options.MinimumRefreshInterval : jittered;
    }

    private void OnStoreChanged(object? sender, EventArgs e) => Signal();

    private void RecordFailure(Exception ex)
    {
        var failures = Interlocked.Increment(ref _consecutiveFailures);
        _lastError = Describe(ex);
        SecretsTelemetry.Errors.Add(1, _sourceTag, new("kind", Kind(ex)));
        if (failures == 1)
        {
            EngineLog.RefreshFailed(_logger, Name, _lastSuccessAt ?? DateTimeOffset.MinValue, ex.GetType().Name, SafeMessage(ex));
        }
        else
        {
            EngineLog.RefreshFailedAgain(_logger, Name, failures, ex.GetType().Name);
        }
    }

    private string[] SnapshotFailing()
    {
        lock (_failingSecrets)
        {
            return [.. _failingSecrets];
        }
    }

    private static string Kind(Exception ex) => ex switch
    {
        SecretStoreException store => store.Kind.ToString(),
        Polly.Timeout.TimeoutRejectedException => nameof(SecretErrorKind.Timeout),
        Polly.CircuitBreaker.BrokenCircuitException => "CircuitOpen",
        _ => ex.GetType().Name,
    };

    internal static string Describe(Exception ex) => $"{ex.GetType().Name}: {SafeMessage(ex)}";

    /// <summary>The exception's message. Store exceptions never carry values by contract; JSON errors may quote input, so they are reduced to a position.</summary>
    private static string SafeMessage(Exception ex) => ex switch
    {
        System.Text.Json.JsonException json => $"invalid JSON at line {json.LineNumber ?? 0}, byte {json.BytePositionInLine ?? 0}",
        _ => ex.Message,
    };

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class LeaseRotation(SecretSourceRuntime owner, string secretName) : ILeaseRotationTarget
    {
        public ValueTask<SecretLease> RotateAsync(SecretLease expiring, CancellationToken cancellationToken) =>
            owner.RotateLeasedSecretAsync(secretName, cancellationToken);
    }
}
