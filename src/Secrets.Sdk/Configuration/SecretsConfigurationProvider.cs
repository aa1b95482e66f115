using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Secrets.Sdk;

/// <summary>
/// Serves configuration from an immutable snapshot merged from every source of one <c>AddSecretsManager</c> call.
/// Reads never lock and never touch the network; refreshes build a new snapshot off to the side and swap a
/// reference, and fire the reload token only when a key or value actually differs.
/// </summary>
/// <remarks>
/// The provider owns what it starts: the stores its factories create, their shared resources, the refresh loops and
/// the lease managers. A failed first <see cref="Load"/> stops and disposes all of it, revoking the leases it minted,
/// before the exception leaves; <see cref="Dispose"/> waits (bounded by <see cref="SecretsManagerBuilder.ShutdownTimeout"/>)
/// for in-flight refreshes and revocations.
/// </remarks>
internal sealed class SecretsConfigurationProvider : IConfigurationProvider, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    // Set while this provider fires its reload token, so a Reload() or Dispose() from a change callback does not wait on itself.
    private static readonly AsyncLocal<SecretsConfigurationProvider?> Publishing = new();

    private readonly object _publishGate = new();
    private readonly object _shutdownGate = new();
    private readonly Dictionary<string, string?> _overrides = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Task> _arrivals = [];
    private readonly ILogger _logger;
    private readonly TimeSpan _startupTimeout;
    private readonly TimeSpan _optionalSourceWait;
    private readonly TimeSpan _shutdownTimeout;

    // The last-known-good cache (opt-in), the sources serving its values, and whether a convergence to live values runs.
    private readonly LastKnownGoodCache? _lastKnownGood;
    private readonly HashSet<SecretSourceRuntime> _onCache = [];
    private readonly List<string> _converged = [];
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);
    private bool _converging;
    private volatile SecretSnapshot _snapshot = SecretSnapshot.Empty;

    // The snapshot's dictionary, kept in a field of its own so a read is one dereference; swapped with _snapshot.
    private volatile Dictionary<string, string?> _values = SecretSnapshot.Empty.Values;
    private ConfigurationReloadToken _reloadToken = new();
    private bool _started;
    private int _loaded;
    private Task? _shutdown;

    public SecretsConfigurationProvider(SecretsManagerBuilder builder, SecretsManagerHub hub)
    {
        ArgumentNullException.ThrowIfNull(builder);
        TimeProvider = builder.TimeProvider;
        LoggerFactory = builder.LoggerFactory;
        Hub = hub;
        _startupTimeout = builder.StartupTimeout;
        _optionalSourceWait = builder.OptionalSourceWait < builder.StartupTimeout ? builder.OptionalSourceWait : builder.StartupTimeout;
        _shutdownTimeout = builder.ShutdownTimeout;
        _logger = LoggerFactory.CreateLogger("Secrets.Sdk.SecretsConfigurationProvider");
        StoreContext = new SecretStoreContext(TimeProvider, LoggerFactory);
        Sources = CreateSources(builder.Sources);
        if (builder.LastKnownGood is { } lastKnownGood)
        {
            _lastKnownGood = new LastKnownGoodCache(lastKnownGood, [.. Sources.Select(s => s.Name)], CaptureLastKnownGood, TimeProvider, LoggerFactory);
            foreach (var source in Sources)
            {
                source.Succeeded = _ => _lastKnownGood.RequestWrite();
            }
        }
    }

    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    public IReadOnlyList<SecretSourceRuntime> Sources { get; }

    /// <summary>Gets the manager shared by every provider of this <c>AddSecretsManager</c> call.</summary>
    public SecretsManagerHub Hub { get; }

    /// <summary>Gets the context this provider's stores were created with; it owns their shared resources.</summary>
    internal SecretStoreContext StoreContext { get; }

    /// <summary>Gets the current snapshot (for tests and benchmarks).</summary>
    internal SecretSnapshot Snapshot => _snapshot;

    internal IReadOnlyList<SecretSourceStatus> Statuses => [.. Sources.Select(s => s.Status)];

    public bool TryGet(string key, out string? value) => _values.TryGetValue(key, out value);

    public void Set(string key, string? value)
    {
        // An explicit IConfiguration write wins over secrets until the process ends, like other providers.
        lock (_publishGate)
        {
            _overrides[key] = value;
            var values = new Dictionary<string, string?>(_snapshot.Values, StringComparer.OrdinalIgnoreCase)
            {
                [key] = value,
            };
            _snapshot = SecretSnapshot.Own(values);
            _values = values;
        }
    }

    public IChangeToken GetReloadToken() => Volatile.Read(ref _reloadToken);

    /// <summary>
    /// First call: loads every source in parallel within the startup deadline and starts one refresh loop per source;
    /// a required source's failure stops everything this provider started, then throws. Later calls
    /// (<c>IConfigurationRoot.Reload()</c>) refresh every source without starting new loops.
    /// </summary>
    public void Load()
    {
        if (ReferenceEquals(Publishing.Value, this) || Volatile.Read(ref _shutdown) is not null)
        {
            return; // Called from our own change callback (the refresh is what fired it), or after disposal.
        }

        if (Interlocked.Exchange(ref _loaded, 1) == 0)
        {
            // Configuration loading is synchronous by contract; run the async load off any synchronization context.
            Task.Run(StartupAsync).GetAwaiter().GetResult();
            return;
        }

        Task.Run(() => RefreshAllAsync(CancellationToken.None)).GetAwaiter().GetResult();
    }

    public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        var results = new List<string>(earlierKeys);
        var values = _snapshot.Values;
        if (parentPath is null)
        {
            foreach (var key in values.Keys)
            {
                results.Add(Segment(key, 0));
            }
        }
        else
        {
            foreach (var key in values.Keys)
            {
                if (key.Length > parentPath.Length
                    && key.StartsWith(parentPath, StringComparison.OrdinalIgnoreCase)
                    && key[parentPath.Length] == ':')
                {
                    results.Add(Segment(key, parentPath.Length + 1));
                }
            }
        }

        results.Sort(ConfigurationKeyComparer.Instance);
        return results;
    }

    /// <summary>Stops loops and waits (bounded) for in-flight refreshes and revocations, then disposes the stores.</summary>
    public void Dispose()
    {
        var shutdown = ShutdownAsync(revokeLeases: null);
        if (!ReferenceEquals(Publishing.Value, this))
        {
            // Bounded: ShutdownAsync gives up after ShutdownTimeout (on the provider's clock).
            Task.Run(() => shutdown).GetAwaiter().GetResult();
        }

        // Else we are inside our own change callback; the shutdown completes as soon as that refresh returns.
    }

    public ValueTask DisposeAsync() => new(ShutdownAsync(revokeLeases: null));

    public override string ToString() => $"SecretsConfigurationProvider ({string.Join(", ", Sources.Select(s => s.Name))})";

    /// <summary>Stops every loop and disposes what the provider owns; revokes leases of sources with RevokeOnShutdown. Used by the host on shutdown.</summary>
    internal Task StopAsync() => ShutdownAsync(revokeLeases: null);

    /// <summary>Refreshes every source now (each joins its pass in flight, if any).</summary>
    internal async Task<SecretsRefreshResult> RefreshAllAsync(CancellationToken cancellationToken)
    {
        var outcomes = await Task.WhenAll(Sources.Select(async s => (s.Name, Outcome: await s.RefreshAsync(cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        var changed = outcomes.SelectMany(o => o.Outcome.Changed).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        var failures = outcomes.Where(o => o.Outcome.Error is not null).ToDictionary(o => o.Name, o => o.Outcome.Error!, StringComparer.Ordinal);
        return new SecretsRefreshResult(changed, failures);
    }

    /// <summary>Merges every source's entries (later sources win), swaps the snapshot and fires reload if anything differs.</summary>
    internal IReadOnlyList<string> Publish(SecretSourceRuntime changedSource) =>
        ConvergeFromCache(changedSource) ? [] : Publish(changedSource.Name, startup: false);

    private IReadOnlyList<string> Publish(string sourceName, bool startup)
    {
        // Everything but the swap and the token fire happens first, so a reader that sees the new values finds the
        // reload already fired (or firing) as soon after as possible.
        var previous = Publishing.Value;
        Publishing.Value = this;
        try
        {
            IReadOnlyList<string> changed;
            ConfigurationReloadToken fired;
            lock (_publishGate)
            {
                if (!startup && !_started)
                {
                    return []; // Still starting: the startup merge picks this source's entries up.
                }

                _started = true;
                var merged = new Dictionary<string, string?>(_snapshot.Values.Count, StringComparer.OrdinalIgnoreCase);
                foreach (var source in Sources)
                {
                    foreach (var (key, value) in source.Entries.Values)
                    {
                        merged[key] = value;
                    }
                }

                foreach (var (key, value) in _overrides)
                {
                    merged[key] = value;
                }

                var after = SecretSnapshot.Own(merged);
                changed = SecretSnapshot.Diff(_snapshot, after);
                if (changed.Count == 0)
                {
                    return changed;
                }

                var next = new ConfigurationReloadToken();
                _snapshot = after;
                _values = after.Values;
                if (startup)
                {
                    return changed; // The first snapshot is what Load() returns with: nothing to reload.
                }

                fired = Interlocked.Exchange(ref _reloadToken, next);
            }

            fired.OnReload();
            SecretsTelemetry.Reloads.Add(1, new KeyValuePair<string, object?>("source", sourceName));
            Hub.RaiseChanged(sourceName, changed);
            return changed;
        }
        finally
        {
            Publishing.Value = previous;
        }
    }

    private async Task StartupAsync()
    {
        var started = TimeProvider.GetTimestamp();
        var loads = Sources.Select(s => s.LoadAsync()).ToArray();
        var required = Enumerable.Range(0, Sources.Count).Where(i => !Sources[i].Options.Optional).ToArray();
        var optional = Enumerable.Range(0, Sources.Count).Where(i => Sources[i].Options.Optional).ToArray();
        using (var waits = new CancellationTokenSource())
        {
            var deadline = Task.Delay(_startupTimeout, TimeProvider, waits.Token);
            var optionalWait = Task.Delay(_optionalSourceWait, TimeProvider, waits.Token);
            using var progress = TimeProvider.CreateTimer(_ => LogProgress(loads, started), null, ProgressInterval, ProgressInterval);
            // Every required source, until the deadline (so all failing sources are reported together).
            await Task.WhenAny(Task.WhenAll(required.Select(i => loads[i])), deadline).ConfigureAwait(false);
            var requiredFailed = required.Any(i => !loads[i].IsCompleted || loads[i].Result.Error is not null);
            if (!deadline.IsCompleted && !requiredFailed && optional.Any(i => !loads[i].IsCompleted))
            {
                await Task.WhenAny(Task.WhenAll(optional.Select(i => loads[i])), optionalWait, deadline).ConfigureAwait(false);
            }

            await waits.CancelAsync().ConfigureAwait(false);
        }

        var failures = new List<SecretsLoadException>();
        foreach (var i in required)
        {
            if (!loads[i].IsCompleted)
            {
                failures.Add(new SecretsLoadException(
                    $"Secret source '{Sources[i].Name}' did not load within the startup deadline of {_startupTimeout.TotalSeconds:0.###} s ({nameof(SecretsManagerBuilder.StartupTimeout)}); it was waiting for {Sources[i].Progress}.",
                    Sources[i].Name,
                    null,
                    new TimeoutException($"Secret source '{Sources[i].Name}' gave no answer in time.")));
            }
            else if (loads[i].Result.Error is { } error)
            {
                failures.Add(error as SecretsLoadException ?? new SecretsLoadException(ErrorText.Compose($"Secret source '{Sources[i].Name}' could not be loaded", error), Sources[i].Name, null, error));
            }
        }

        if (failures.Count > 0 && _lastKnownGood is not null && await _lastKnownGood.TryReadAsync().ConfigureAwait(false) is { } cached)
        {
            StartFromCache(cached, loads, failures);
            return;
        }

        if (failures.Count > 0)
        {
            // Nothing started by this build outlives it: stop loads, revoke the leases they minted, dispose stores.
            await ShutdownAsync(revokeLeases: true).ConfigureAwait(false);
            throw failures.Count == 1
                ? failures[0]
                : new SecretsLoadException(
                    $"{failures.Count} required secret sources could not be loaded: {string.Join(" | ", failures.Select(f => f.Message))}",
                    new AggregateException(failures));
        }

        Publish("startup", startup: true);
        Hub.Attach(this);
        _lastKnownGood?.RequestWrite();
        foreach (var i in required)
        {
            Sources[i].StartLoop();
        }

        foreach (var i in optional)
        {
            if (loads[i].IsCompleted)
            {
                ReportOptional(Sources[i], loads[i].Result, arrivedLate: false);
                Sources[i].StartLoop();
            }
            else
            {
                EngineLog.OptionalSourceDeferred(_logger, Sources[i].Name, _optionalSourceWait);
                lock (_shutdownGate)
                {
                    _arrivals.Add(ArriveLaterAsync(Sources[i], loads[i]));
                }
            }
        }
    }

    /// <summary>
    /// Startup when a required source failed and the last-known-good cache is valid: every source without live values
    /// serves its cached ones, the host starts, and each source keeps loading (its loop starts once its first pass ends).
    /// </summary>
    private void StartFromCache(RestoredSnapshot cached, Task<RefreshOutcome>[] loads, List<SecretsLoadException> failures)
    {
        lock (_publishGate)
        {
            for (var i = 0; i < Sources.Count; i++)
            {
                if (Sources[i].SeedFromCache(cached.Sources[i], cached.WrittenAt))
                {
                    _onCache.Add(Sources[i]);
                }
            }
        }

        LastKnownGoodLog.ServingCached(_logger, _lastKnownGood!.Path, cached.WrittenAt, TimeProvider.GetUtcNow() - cached.WrittenAt, string.Join(" | ", failures.Select(f => f.Message)));
        Publish("startup", startup: true);
        Hub.Attach(this);
        for (var i = 0; i < Sources.Count; i++)
        {
            if (loads[i].IsCompleted)
            {
                if (Sources[i].Options.Optional)
                {
                    ReportOptional(Sources[i], loads[i].Result, arrivedLate: false);
                }

                Sources[i].StartLoop();
            }
            else
            {
                lock (_shutdownGate)
                {
                    _arrivals.Add(Sources[i].Options.Optional ? ArriveLaterAsync(Sources[i], loads[i]) : StartLoopWhenLoadedAsync(Sources[i], loads[i]));
                }
            }
        }
    }

    private static async Task StartLoopWhenLoadedAsync(SecretSourceRuntime source, Task<RefreshOutcome> load)
    {
        await load.ConfigureAwait(false);
        source.StartLoop();
    }

    /// <summary>
    /// Called when a source commits. The first commit of a source serving cached values starts one convergence
    /// (<see cref="ConvergeAsync"/>); while it runs, every commit's publish (cached source or not) is held and folded into
    /// the convergence's one publish, so live values replace cached ones with one reload.
    /// </summary>
    private bool ConvergeFromCache(SecretSourceRuntime source)
    {
        if (_lastKnownGood is null)
        {
            return false;
        }

        lock (_publishGate)
        {
            var wasCached = _onCache.Remove(source);
            if (wasCached)
            {
                _converged.Add(source.Name);
            }

            if (_converging)
            {
                _held.Add(source.Name);
                return true; // The convergence under way publishes it.
            }

            if (!wasCached)
            {
                return false;
            }

            if (!_started)
            {
                return true; // The startup merge publishes it.
            }

            _converging = true;
            _held.Add(source.Name);
        }

        lock (_shutdownGate)
        {
            if (_shutdown is null)
            {
                _arrivals.Add(ConvergeAsync());
            }
        }

        return true;
    }

    /// <summary>
    /// Gives the sources still serving cached values one immediate pass (an outage usually ends for all of them at once),
    /// bounded by the startup deadline, then publishes everything that went live in one snapshot: one reload if any value
    /// differs from the cached ones, none if they are identical.
    /// </summary>
    private async Task ConvergeAsync()
    {
        await Task.Yield();
        SecretSourceRuntime[] rest;
        lock (_publishGate)
        {
            rest = [.. _onCache];
        }

        if (rest.Length > 0)
        {
            await BoundedWait.CompletesWithinAsync(Task.WhenAll(rest.Select(s => s.RefreshAsync(CancellationToken.None))), _startupTimeout, TimeProvider).ConfigureAwait(false);
        }

        string[] converged;
        string[] held;
        lock (_publishGate)
        {
            _converging = false;
            converged = [.. _converged];
            held = [.. _held];
            _converged.Clear();
            _held.Clear();
        }

        if (Volatile.Read(ref _shutdown) is not null)
        {
            return;
        }

        var changed = Publish(string.Join(",", held), startup: false);
        LastKnownGoodLog.Converged(_logger, string.Join(", ", converged), changed.Count);
        _lastKnownGood!.RequestWrite();
    }

    /// <summary>What the last-known-good cache writes now: every source's live secrets, or nothing while any source serves cached values.</summary>
    private CachedSnapshot? CaptureLastKnownGood()
    {
        lock (_publishGate)
        {
            if (!_started || _onCache.Count > 0)
            {
                return null; // Never stamp cached values with a new time.
            }
        }

        if (Sources.Any(s => !s.IsLoaded && !s.Options.Optional))
        {
            return null;
        }

        var snapshot = new CachedSnapshot { WrittenAt = TimeProvider.GetUtcNow() };
        foreach (var source in Sources)
        {
            snapshot.Sources.Add(CacheCapture.From(source));
        }

        return snapshot;
    }

    private async Task ArriveLaterAsync(SecretSourceRuntime source, Task<RefreshOutcome> load)
    {
        // The load's commit already published its keys (one reload); this only reports it and starts the loop.
        var outcome = await load.ConfigureAwait(false);
        ReportOptional(source, outcome, arrivedLate: true);
        source.StartLoop();
    }

    private void ReportOptional(SecretSourceRuntime source, RefreshOutcome outcome, bool arrivedLate)
    {
        if (outcome.Error is { } error)
        {
            if (error is not OperationCanceledException)
            {
                EngineLog.OptionalSourceFailed(_logger, source.Name, ErrorText.CauseType(error), ErrorText.Describe(error));
            }
        }
        else if (arrivedLate)
        {
            EngineLog.OptionalSourceArrived(_logger, source.Name, source.Entries.Values.Count);
        }
    }

    private void LogProgress(Task<RefreshOutcome>[] loads, long started)
    {
        var waiting = Enumerable.Range(0, loads.Length).Where(i => !loads[i].IsCompleted).Select(i => Sources[i].Progress).ToArray();
        if (waiting.Length > 0)
        {
            EngineLog.StartupProgress(_logger, TimeProvider.GetElapsedTime(started), string.Join("; ", waiting));
        }
    }

    /// <summary>
    /// Stops and disposes everything this provider started, once. <paramref name="revokeLeases"/>: true revokes every
    /// live lease (a failed load), null revokes those of sources with <c>RevokeOnShutdown</c>. Bounded by the shutdown timeout.
    /// </summary>
    private Task ShutdownAsync(bool? revokeLeases)
    {
        lock (_shutdownGate)
        {
            return _shutdown ??= RunShutdownAsync(revokeLeases);
        }
    }

    private async Task RunShutdownAsync(bool? revokeLeases)
    {
        await Task.Yield(); // Never run the shutdown inline under _shutdownGate.
        Hub.Detach(this);
        Task[] arrivals;
        lock (_shutdownGate)
        {
            arrivals = [.. _arrivals];
        }

        var bound = new CancellationTokenSource();
        var work = StopAndDisposeAsync(revokeLeases, arrivals, bound.Token);
        if (!await BoundedWait.CompletesWithinAsync(work, _shutdownTimeout, TimeProvider).ConfigureAwait(false))
        {
            // Ends revocations still waiting on the backend; what remains is abandoned, never waited for again.
            await bound.CancelAsync().ConfigureAwait(false);
            EngineLog.ShutdownTimedOut(_logger, _shutdownTimeout, Sources.Count);
        }
        else if (work.Exception is { } fault)
        {
            EngineLog.ShutdownFailed(_logger, ErrorText.CauseType(fault.GetBaseException()));
        }

        _ = work.ContinueWith(static (_, state) => ((CancellationTokenSource)state!).Dispose(), bound, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task StopAndDisposeAsync(bool? revokeLeases, Task[] arrivals, CancellationToken cancellationToken)
    {
        await Task.WhenAll(Sources.Select(s => s.StopAsync(revokeLeases ?? s.Options.Leases.RevokeOnShutdown, cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(arrivals).ConfigureAwait(false);
        foreach (var source in Sources)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        await StoreContext.DisposeAsync().ConfigureAwait(false);
        if (_lastKnownGood is not null)
        {
            await _lastKnownGood.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Creates this provider's own stores; when a factory throws, disposes what was already created.</summary>
    private SecretSourceRuntime[] CreateSources(IReadOnlyList<SecretSourceRegistration> registrations)
    {
        var created = new List<SecretSourceRuntime>(registrations.Count);
        try
        {
            foreach (var registration in registrations)
            {
                var store = registration.Factory(StoreContext);
                var source = new SecretSourceRuntime(store, registration.Options, registration.OwnsStore, TimeProvider, LoggerFactory, Publish);
                created.Add(source);
                if (source.LeaseManager is { } leases)
                {
                    leases.LeaseChanged += Hub.RaiseLeaseChanged;
                }
            }

            return [.. created];
        }
        catch
        {
            Task.Run(async () =>
            {
                foreach (var source in created)
                {
                    await source.DisposeAsync().ConfigureAwait(false);
                }

                await StoreContext.DisposeAsync().ConfigureAwait(false);
            }).GetAwaiter().GetResult();
            throw;
        }
    }

    private static string Segment(string key, int prefixLength)
    {
        var index = key.IndexOf(':', prefixLength);
        return index < 0 ? key[prefixLength..] : key[prefixLength..index];
    }
}
