using System.Collections.Concurrent;

namespace Secrets.Sdk;

/// <summary>
/// An on-demand cache for code that asks for a secret by name rather than through configuration: values live for a
/// time to live, the cache is size-bounded (least recently used evicted), concurrent misses for one name cause one
/// backend read (per-key single flight, no global lock), and an expired value is served while one background
/// refresh replaces it.
/// </summary>
/// <remarks>
/// Build one over a store you own with the constructor, or over a configured source by its name with
/// <see cref="ISecretsManager.CreateCache"/> (or <c>services.AddSecretCache(sourceName)</c> for a keyed DI singleton).
/// A leased dynamic credential is never cached: it is revoked and the read fails (read those through configuration).
/// </remarks>
public sealed class SecretCache : IDisposable
{
    private readonly SecretCacheReader _reader;
    private readonly SecretCacheOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<SecretValue>>> _inflight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();
    private long _clock;

    /// <summary>Creates a cache over <paramref name="store"/>.</summary>
    /// <param name="store">Where values are read from.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public SecretCache(ISecretStore store, SecretCacheOptions? options = null)
        : this(options, o => new StoreCacheReader(store ?? throw new ArgumentNullException(nameof(store)), o.Resilience.BuildPipeline(o.TimeProvider, "SecretCache:" + store.Name)))
    {
    }

    /// <summary>Creates a cache that reads through <paramref name="createReader"/> (a configured source, for <see cref="ISecretsManager.CreateCache"/>).</summary>
    internal SecretCache(SecretCacheOptions? options, Func<SecretCacheOptions, SecretCacheReader> createReader)
    {
        _options = options ?? new SecretCacheOptions();
        if (_options.MaxEntries < 1)
        {
            throw new ArgumentException($"{nameof(SecretCacheOptions.MaxEntries)} must be at least 1.", nameof(options));
        }

        if (_options.TimeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(SecretCacheOptions.TimeToLive)} must be positive.", nameof(options));
        }

        _timeProvider = _options.TimeProvider;
        _reader = createReader(_options);
    }

    /// <summary>Gets the name of the store or source this cache reads from.</summary>
    public string SourceName => _reader.Name;

    /// <summary>Gets the number of cached values.</summary>
    public int Count => _entries.Count;

    /// <summary>Returns the value of <paramref name="name"/>, from the cache when fresh.</summary>
    /// <param name="name">The secret's name in the store.</param>
    /// <param name="cancellationToken">Cancels this caller's wait (a shared read continues for other callers).</param>
    /// <returns>The value.</returns>
    /// <exception cref="SecretStoreException">The secret could not be read and no usable cached value exists.</exception>
    public async ValueTask<SecretValue> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        var now = _timeProvider.GetUtcNow();
        if (_entries.TryGetValue(name, out var entry))
        {
            entry.LastAccess = Interlocked.Increment(ref _clock);
            var age = now - entry.FetchedAt;
            if (age < _options.TimeToLive)
            {
                CountLookup("hit");
                return entry.Value;
            }

            if (age < _options.TimeToLive + _options.ServeStaleFor)
            {
                CountLookup("stale");
                _ = RefreshInBackgroundAsync(name);
                return entry.Value;
            }
        }

        CountLookup("miss");
        return await ReadOnceAsync(name).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes <paramref name="name"/> so the next read goes to the store.</summary>
    /// <param name="name">The secret's name.</param>
    public void Invalidate(string name) => _entries.TryRemove(name, out _);

    /// <summary>Cancels background refreshes.</summary>
    public void Dispose()
    {
        if (!_disposing.IsCancellationRequested)
        {
            _disposing.Cancel();
            _disposing.Dispose();
        }
    }

    private async Task RefreshInBackgroundAsync(string name)
    {
        try
        {
            await ReadOnceAsync(name).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A failed background refresh keeps serving the stale value until ServeStaleFor ends.
        }
    }

    private Task<SecretValue> ReadOnceAsync(string name)
    {
        var lazy = _inflight.GetOrAdd(name, n => new Lazy<Task<SecretValue>>(() => FetchAsync(n), LazyThreadSafetyMode.ExecutionAndPublication));
        return lazy.Value;
    }

    private async Task<SecretValue> FetchAsync(string name)
    {
        try
        {
            var value = await _reader.ReadAsync(name, _timeProvider, _disposing.Token).ConfigureAwait(false);
            _entries[name] = new Entry(value, _timeProvider.GetUtcNow()) { LastAccess = Interlocked.Increment(ref _clock) };
            EvictIfNeeded();
            return value;
        }
        finally
        {
            _inflight.TryRemove(name, out _);
        }
    }

    private void EvictIfNeeded()
    {
        var excess = _entries.Count - _options.MaxEntries;
        if (excess <= 0)
        {
            return;
        }

        // Evict a little more than needed so eviction is amortized rather than done on every insert.
        var toEvict = Math.Max(excess, _options.MaxEntries / 10);
        foreach (var (key, _) in _entries.OrderBy(e => e.Value.LastAccess).Take(toEvict).ToArray())
        {
            _entries.TryRemove(key, out _);
        }
    }

    private void CountLookup(string result) =>
        SecretsTelemetry.CacheLookups.Add(1, new KeyValuePair<string, object?>("store", _reader.Name), new KeyValuePair<string, object?>("result", result));

    private sealed class Entry(SecretValue value, DateTimeOffset fetchedAt)
    {
        public SecretValue Value { get; } = value;

        public DateTimeOffset FetchedAt { get; } = fetchedAt;

        public long LastAccess { get; set; }
    }
}
