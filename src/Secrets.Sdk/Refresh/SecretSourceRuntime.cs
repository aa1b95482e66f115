using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>
/// One source at run time, the coordinator of its parts: a pass lists metadata through the
/// <see cref="InstrumentedStore"/>, asks the <see cref="RefreshPlan"/> what to read, maps each read secret with the
/// <see cref="SnapshotBuilder"/> (a secret that cannot be mapped fails alone) and commits. Refresh and lease rotation
/// share the one commit path (<see cref="Commit"/>). Passes are single-flight: concurrent callers share one pass.
/// Nothing here holds a lock across I/O.
/// </summary>
internal sealed class SecretSourceRuntime : IAsyncDisposable
{
    private readonly InstrumentedStore _store;
    private readonly bool _ownsStore;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SnapshotBuilder _builder;
    private readonly SourceStatusTracker _status;
    private readonly RefreshLoop _loop;
    private readonly object _commitGate = new();
    private readonly RefreshFlight _flight;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Func<SecretSourceRuntime, IReadOnlyList<string>> _publish;
    private readonly KeyValuePair<string, object?> _sourceTag;
    private readonly SecretLeaseManager? _leases;
    private volatile SourceState _state = SourceState.Empty;
    private int _stopped;
    private bool _committedLive;
    private DateTimeOffset? _servingCachedFrom;

    public SecretSourceRuntime(ISecretStore store, SecretSourceOptions options, bool ownsStore, TimeProvider timeProvider, ILoggerFactory loggerFactory, Func<SecretSourceRuntime, IReadOnlyList<string>> publish, Func<double>? random = null)
    {
        _ownsStore = ownsStore;
        Options = options;
        Name = options.Name ?? store.Name;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger("Secrets.Sdk.SecretSource");
        _store = new InstrumentedStore(store, options.Resilience.BuildPipeline(timeProvider, Name), timeProvider, Name);
        _builder = new SnapshotBuilder(options, Name);
        _status = new SourceStatusTracker(Name, timeProvider, _logger);
        _loop = new RefreshLoop(Name, options, new RefreshSchedule(options, random), _status, ct => RefreshAsync(fromLoop: true, ct), timeProvider, _logger);
        _flight = new RefreshFlight(() => RunPassAsync(_stopping.Token));
        _publish = publish;
        _sourceTag = new("source", Name);
        if (store is ILeasedSecretStore)
        {
            _leases = new SecretLeaseManager(options.Leases, timeProvider, loggerFactory.CreateLogger("Secrets.Sdk.Leases"), Name);
        }

        SecretsTelemetry.Register(this);
        EngineDiagnostics.Add(this);
    }

    public string Name { get; }

    public SecretSourceOptions Options { get; }

    /// <summary>Gets the store behind its pipeline and telemetry (on-demand reads of a <see cref="SecretCache"/> go through it).</summary>
    public InstrumentedStore Store => _store;

    /// <summary>Gets the entries this source contributes (its last good snapshot).</summary>
    public SecretSnapshot Entries => _state.Entries;

    public SecretLeaseManager? LeaseManager => _leases;

    /// <summary>Gets what the source has committed (for the last-known-good cache).</summary>
    internal SourceState State => _state;

    /// <summary>Gets or sets what runs after every successful pass (the provider writes the last-known-good cache).</summary>
    internal Action<SecretSourceRuntime>? Succeeded { get; set; }

    public bool IsLoaded => _status.IsLoaded;

    public bool IsLoopRunning => _loop.IsRunning;

    /// <summary>Gets the age of the last good load, or null before the first one.</summary>
    public TimeSpan? Age => _status.LastSuccessAt is { } at ? _timeProvider.GetUtcNow() - at : null;

    public SecretSourceStatus Status
    {
        get
        {
            var state = _state;
            return _status.Snapshot(Options, state.Secrets.Count, state.Entries.Values.Count) with
            {
                IsLoading = !_status.IsLoaded && _flight.IsRunning,
                StoreName = _store.Store.Name,
                Secrets = [.. state.Secrets.Values
                    .Select(l => new LoadedSecretStatus(l.Metadata.Name, l.Metadata.Version, l.Lease?.CurrentLease.ExpiresAt)
                    {
                        ConfigurationKeys = [.. l.Entries.Select(e => e.Key)],
                    })
                    .OrderBy(l => l.Name, StringComparer.Ordinal)],
                ServingCachedFrom = Volatile.Read(ref _committedLive) ? null : _servingCachedFrom,
            };
        }
    }

    /// <summary>Gets what the source is waiting for (for startup progress and deadline errors).</summary>
    public string Progress
    {
        get
        {
            var error = _store.LastAttemptError ?? _status.LastError ?? "none";
            return $"{Name} (store '{_store.Store.Name}', operation {_store.Operation}, attempt {Math.Max(1, _store.Attempt)}, last error: {error})";
        }
    }

    /// <summary>Starts the first load (or joins it). The outcome's error is a <see cref="SecretsLoadException"/> when it fails.</summary>
    public Task<RefreshOutcome> LoadAsync()
    {
        SecretsTelemetry.Loads.Add(1, _sourceTag);
        return RefreshAsync(CancellationToken.None);
    }

    /// <summary>
    /// Refreshes once, or joins the pass already running, so concurrent callers cause one backend pass and all get its
    /// result. A caller never joins a pass the background loop started (it may have listed before the caller's change):
    /// it gets the next pass, which starts when the loop's ends and is shared by every caller arriving meanwhile. Never
    /// throws for store failures (stale-if-error); <paramref name="cancellationToken"/> cancels the wait only.
    /// </summary>
    public Task<RefreshOutcome> RefreshAsync(CancellationToken cancellationToken) => RefreshAsync(fromLoop: false, cancellationToken);

    private Task<RefreshOutcome> RefreshAsync(bool fromLoop, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _stopped) != 0 || _flight.Join(fromLoop) is not { } pass)
        {
            return Task.FromResult(new RefreshOutcome([], new ObjectDisposedException(Name, $"Secret source '{Name}' is stopped.")));
        }

        return cancellationToken.CanBeCanceled ? pass.WaitAsync(cancellationToken) : pass;
    }

    /// <summary>Starts the refresh loop once; later calls do nothing (so IConfigurationRoot.Reload never leaks loops).</summary>
    public void StartLoop()
    {
        if (Volatile.Read(ref _stopped) != 0)
        {
            return;
        }

        if (_store.Store is IChangeNotifyingSecretStore notifying)
        {
            notifying.Changed += OnStoreChanged;
        }
        else if (Options.RefreshInterval is null && _status.IsLoaded)
        {
            return; // Nothing would ever wake the loop.
        }

        _loop.Start();
    }

    /// <summary>
    /// Stops the loop and any pass in flight and waits for them; then revokes every live lease when
    /// <paramref name="revokeLeases"/> is set, and stops lease tracking (revoking replaced leases still in their grace period).
    /// </summary>
    public async Task StopAsync(bool revokeLeases, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        if (_store.Store is IChangeNotifyingSecretStore notifying)
        {
            notifying.Changed -= OnStoreChanged;
        }

        var inflight = _flight.Close();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.StopAsync().ConfigureAwait(false);
        if (inflight is not null)
        {
            await inflight.ConfigureAwait(false); // A pass never throws; it ends promptly once cancelled.
        }

        if (_leases is { } leases)
        {
            if (revokeLeases)
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
        try
        {
            await StopAsync(revokeLeases: false, CancellationToken.None).ConfigureAwait(false);
            await Disposal.DisposeAsync(_ownsStore ? _store.Store : null).ConfigureAwait(false);
        }
        finally
        {
            SecretsTelemetry.Unregister(this);
            EngineDiagnostics.Remove(this);
        }
    }

    /// <summary>
    /// Serves <paramref name="entries"/> from the last-known-good cache until the first live commit replaces them; does
    /// nothing (returns false) when a live pass already committed.
    /// </summary>
    internal bool SeedFromCache(SecretSnapshot entries, DateTimeOffset writtenAt)
    {
        lock (_commitGate)
        {
            if (_committedLive)
            {
                return false;
            }

            _servingCachedFrom = writtenAt;
            _state = new SourceState(SourceState.Empty.Secrets, entries);
            return true;
        }
    }

    /// <summary>Replaces a leased secret with a freshly issued one and commits it through the refresh commit path (one reload).</summary>
    internal async ValueTask<SecretLease> RotateLeasedSecretAsync(string secretName, CancellationToken cancellationToken)
    {
        if (!_state.Secrets.TryGetValue(secretName, out var current))
        {
            throw new SecretStoreException($"Leased secret '{secretName}' is no longer part of source '{Name}'.", SecretErrorKind.NotFound, Name, secretName);
        }

        var results = await _store.GetAsync([current.Metadata], cancellationToken).ConfigureAwait(false);
        var result = results.FirstOrDefault(r => string.Equals(r.Requested.Name, secretName, StringComparison.Ordinal))
            ?? throw new SecretStoreException($"Store '{_store.Store.Name}' returned no result for leased secret '{secretName}'.", SecretErrorKind.InvalidResponse, Name, secretName);
        if (result.Error is { } error)
        {
            throw error;
        }

        var secret = result.Secret!;
        var lease = secret.Lease ?? throw new SecretStoreException($"Store '{_store.Store.Name}' returned no lease for dynamic secret '{secretName}'.", SecretErrorKind.InvalidResponse, Name, secretName);
        try
        {
            var update = new LoadedSecret(current.Metadata, _builder.MapSecret(secret), current.Lease);
            Commit(new Dictionary<string, LoadedSecret>(StringComparer.Ordinal) { [secretName] = update }, minted: null, listed: null);
        }
        catch (SecretStoreException)
        {
            await RevokeUntrackedAsync([lease]).ConfigureAwait(false);
            throw;
        }

        return lease;
    }

    private async Task<RefreshOutcome> RunPassAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new RefreshOutcome([], new OperationCanceledException(cancellationToken));
        }

        var initial = !_status.IsLoaded;
        using var activity = SecretsTelemetry.ActivitySource.StartActivity(initial ? "secrets.load" : "secrets.refresh");
        activity?.SetTag("secrets.source", Name);
        var started = _timeProvider.GetTimestamp();
        _status.RecordAttempt();
        var minted = new Dictionary<string, SecretLease>(StringComparer.Ordinal);
        try
        {
            var listed = await _store.ListAsync(cancellationToken).ConfigureAwait(false);
            var plan = RefreshPlan.Create(listed, _state.Secrets);
            foreach (var name in plan.Disabled)
            {
                EngineLog.SecretDisabled(_logger, Name, name);
            }

            var reads = await _store.ReadAsync(plan.ToRead, Options.MaxConcurrency, cancellationToken).ConfigureAwait(false);
            var (updates, failures, mapped, orphaned) = _builder.MapReads(reads);

            // A read the client held back (a shared throttle gate still closed after the retries) of a secret that has a
            // value is not that secret's failure: it keeps its value and is read again next pass.
            var held = failures.RemoveAll(f => IsHeld(f.Error) && _state.Secrets.ContainsKey(f.Metadata.Name));
            foreach (var (name, lease) in mapped)
            {
                minted[name] = lease;
            }

            if (orphaned.Count > 0)
            {
                await RevokeUntrackedAsync(orphaned).ConfigureAwait(false);
            }

            if (initial && failures.FirstOrDefault(f => !Options.Optional && !f.Metadata.Optional) is { Error: not null } fatal)
            {
                var more = failures.Count > 1 ? $" ({failures.Count - 1} more secrets also failed)" : string.Empty;
                throw new SecretsLoadException(
                    ErrorText.Compose($"Secret '{fatal.Metadata.Name}' of source '{Name}' could not be loaded", fatal.Error) + more,
                    Name,
                    fatal.Metadata.Name,
                    fatal.Error);
            }

            if (held > 0 && failures.Count == 0 && updates.Count == 0 && plan.Kept.Count == 0)
            {
                // Every read was held back: nothing was refreshed and nothing failed. Neither a success nor a failure streak.
                return new RefreshOutcome([], HeldPass(held));
            }

            if (UnreachablePass.Check(plan, updates.Count, failures, Name) is { } unreachable)
            {
                // Nothing confirmed, nothing read: the store was not reached, and that is a failed pass (last good kept).
                _status.RecordSecrets([.. failures.Select(f => (f.Metadata.Name, f.Error))], [], plan.Listed);
                throw unreachable;
            }

            var changed = Commit(updates, minted, plan.Listed);
            minted.Clear();
            _status.RecordSecrets([.. failures.Select(f => (f.Metadata.Name, f.Error))], updates.Keys, plan.Listed);
            _status.RecordSuccess();
            Succeeded?.Invoke(this);
            if (initial)
            {
                EngineLog.Loaded(_logger, Name, _state.Secrets.Count, Entries.Values.Count, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds);
            }
            else
            {
                SecretsTelemetry.Refreshes.Add(1, _sourceTag, new("outcome", changed.Count > 0 ? "changed" : "unchanged"));
                if (changed.Count > 0)
                {
                    EngineLog.Changed(_logger, Name, changed.Count);
                }
                else if (plan.ToRead.Count == 0)
                {
                    EngineLog.Unchanged(_logger, Name, plan.Listed.Count, 0);
                }
            }

            return new RefreshOutcome(changed, null);
        }
        catch (Exception ex) when (!initial && IsHeld(ex))
        {
            // The listing was held back by the client's throttle gate: nothing was sent, so nothing failed; last good kept.
            await RevokeUntrackedAsync(minted.Values).ConfigureAwait(false);
            return new RefreshOutcome([], ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested || ex is not OperationCanceledException)
        {
            await RevokeUntrackedAsync(minted.Values).ConfigureAwait(false);
            _status.RecordFailure(ex);
            if (!initial)
            {
                SecretsTelemetry.Refreshes.Add(1, _sourceTag, new("outcome", "failed"));
                return new RefreshOutcome([], ex);
            }

            var error = ex as SecretsLoadException ?? new SecretsLoadException(
                ErrorText.Compose($"Secret source '{Name}' could not be loaded (store '{_store.Store.Name}', operation {_store.Operation})", ex),
                Name,
                (ex as SecretStoreException)?.SecretName,
                ex);
            return new RefreshOutcome([], error);
        }
        catch (OperationCanceledException ex)
        {
            await RevokeUntrackedAsync(minted.Values).ConfigureAwait(false);
            return new RefreshOutcome([], ex);
        }
    }

    private static bool IsHeld(Exception error) => error is SecretStoreException { NotSent: true };

    private SecretStoreException HeldPass(int held) =>
        new($"Source '{Name}' did not refresh: its {held} reads were held back by the client's throttle gate (the store throttled this process); the last good values stay.", SecretErrorKind.Throttled, Name) { NotSent = true };

    /// <summary>
    /// The one commit path of refresh and rotation. Applies <paramref name="updates"/> to the committed state (a refresh
    /// also drops secrets no longer <paramref name="listed"/>; everything else keeps its current entry, so a rotation
    /// committed meanwhile is never undone), rebuilds the entries (two secrets on one key throws and commits nothing),
    /// starts tracking <paramref name="minted"/> leases, stops tracking removed ones, and publishes.
    /// </summary>
    private IReadOnlyList<string> Commit(Dictionary<string, LoadedSecret> updates, Dictionary<string, SecretLease>? minted, IReadOnlySet<string>? listed)
    {
        lock (_commitGate)
        {
            var current = _state.Secrets;
            Dictionary<string, LoadedSecret> next;
            if (listed is null)
            {
                next = new Dictionary<string, LoadedSecret>(current, StringComparer.Ordinal);
            }
            else
            {
                next = new Dictionary<string, LoadedSecret>(listed.Count, StringComparer.Ordinal);
                foreach (var name in listed)
                {
                    if (current.TryGetValue(name, out var kept))
                    {
                        next[name] = kept;
                    }
                }
            }

            foreach (var (name, update) in updates)
            {
                next[name] = update;
            }

            var unchanged = updates.Count == 0 && next.Count == current.Count && _status.IsLoaded;
            if (unchanged)
            {
                return [];
            }

            SecretSnapshot entries;
            try
            {
                entries = _builder.Build(next);
            }
            catch (SecretStoreException ex)
            {
                EngineLog.DuplicateKey(_logger, Name, ex.Message);
                throw;
            }

            foreach (var (name, old) in current)
            {
                if (old.Lease is { } registration && (!next.TryGetValue(name, out var now) || !ReferenceEquals(now.Lease, registration)))
                {
                    registration.Dispose(); // The secret is gone or re-read: stop renewing its old lease.
                }
            }

            if (minted is not null && _leases is not null && _store.Store is ILeasedSecretStore renewer)
            {
                foreach (var (name, lease) in minted)
                {
                    if (next.TryGetValue(name, out var loaded))
                    {
                        next[name] = loaded with { Lease = _leases.Track(name, lease, renewer, new LeasedSecretRotation(this, name)) };
                    }
                }
            }

            _state = new SourceState(next, entries);
            if (listed is not null)
            {
                _committedLive = true; // From now on the source serves live values, never cached ones.
            }
        }

        return _publish(this);
    }

    /// <summary>Revokes leases that were minted but never tracked (their secret failed, or the pass did), best effort.</summary>
    private Task RevokeUntrackedAsync(IEnumerable<SecretLease> leases) =>
        _store.Store is ILeasedSecretStore renewer
            ? LeaseRevocation.RevokeBestEffortAsync(renewer, leases, TimeSpan.FromSeconds(10), _timeProvider, _logger, Name)
            : Task.CompletedTask;

    private void OnStoreChanged(object? sender, EventArgs e) => _loop.Signal();
}
