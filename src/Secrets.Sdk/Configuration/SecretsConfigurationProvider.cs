using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Secrets.Sdk;

/// <summary>
/// Serves configuration from an immutable snapshot merged from every source of one <c>AddSecretsManager</c> call.
/// Reads never lock and never touch the network; refreshes build a new snapshot off to the side and swap a
/// reference, and fire the reload token only when a key or value actually differs.
/// </summary>
internal sealed class SecretsConfigurationProvider : IConfigurationProvider, IDisposable
{
    private readonly object _publishGate = new();
    private readonly Dictionary<string, string?> _overrides = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger;
    private volatile SecretSnapshot _snapshot = SecretSnapshot.Empty;

    // The snapshot's dictionary, kept in a field of its own so a read is one dereference; swapped with _snapshot.
    private volatile Dictionary<string, string?> _values = SecretSnapshot.Empty.Values;
    private ConfigurationReloadToken _reloadToken = new();
    private int _loaded;
    private int _disposed;

    public SecretsConfigurationProvider(SecretsManagerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        TimeProvider = builder.TimeProvider;
        LoggerFactory = builder.LoggerFactory;
        _logger = LoggerFactory.CreateLogger("Secrets.Sdk.SecretsConfigurationProvider");
        StoreContext = new SecretStoreContext(TimeProvider, LoggerFactory);
        Sources = CreateSources(builder.Sources);
        Manager = new SecretsManagerRuntime(this);
    }

    public TimeProvider TimeProvider { get; }

    public Microsoft.Extensions.Logging.ILoggerFactory LoggerFactory { get; }

    public IReadOnlyList<SecretSourceRuntime> Sources { get; }

    /// <summary>Gets the context this provider's stores were created with; it owns their shared resources.</summary>
    internal SecretStoreContext StoreContext { get; }

    public SecretsManagerRuntime Manager { get; }

    /// <summary>Gets the current snapshot (for tests and benchmarks).</summary>
    internal SecretSnapshot Snapshot => _snapshot;

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
    /// First call: loads every source in parallel (a required source's failure throws) and starts one refresh loop
    /// per source. Later calls (<c>IConfigurationRoot.Reload()</c>) refresh every source without starting new loops.
    /// </summary>
    public void Load()
    {
        if (Interlocked.Exchange(ref _loaded, 1) == 0)
        {
            // Configuration loading is synchronous by contract; run the async load off any synchronization context.
            Task.Run(() => LoadAllAsync(CancellationToken.None)).GetAwaiter().GetResult();
            foreach (var source in Sources)
            {
                source.StartLoop();
            }

            return;
        }

        Task.Run(() => Manager.RefreshAsync(CancellationToken.None)).GetAwaiter().GetResult();
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

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Stop loops and dispose stores without blocking the disposing thread on network calls.
        _ = Task.Run(async () =>
        {
            foreach (var source in Sources)
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }

            await StoreContext.DisposeAsync().ConfigureAwait(false);
        });
    }

    public override string ToString() => $"SecretsConfigurationProvider ({string.Join(", ", Sources.Select(s => s.Name))})";

    /// <summary>Stops every loop; revokes leases where configured. Used by the host on shutdown.</summary>
    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var source in Sources)
        {
            await source.StopAsync(revokeLeases: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Merges every source's entries (later sources win), swaps the snapshot and fires reload if anything differs.</summary>
    internal IReadOnlyList<string> Publish(SecretSourceRuntime changedSource) => Publish(changedSource.Name, fireReload: true);

    private IReadOnlyList<string> Publish(string sourceName, bool fireReload)
    {
        IReadOnlyList<string> changed;
        lock (_publishGate)
        {
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

            _snapshot = after;
            _values = after.Values;
        }

        if (fireReload)
        {
            SecretsTelemetry.Reloads.Add(1, new KeyValuePair<string, object?>("source", sourceName));
            var previous = Interlocked.Exchange(ref _reloadToken, new ConfigurationReloadToken());
            previous.OnReload();
            Manager.RaiseChanged(sourceName, changed);
        }

        return changed;
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
                created.Add(new SecretSourceRuntime(store, registration.Options, registration.OwnsStore, TimeProvider, LoggerFactory, Publish));
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

    private async Task LoadAllAsync(CancellationToken cancellationToken)
    {
        var loads = Sources.Select(async source =>
        {
            try
            {
                await source.LoadAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (SecretsLoadException ex) when (source.Options.Optional)
            {
                EngineLog.OptionalSourceFailed(_logger, source.Name, ex.InnerException?.GetType().Name ?? ex.GetType().Name, ex.Message);
                return null;
            }
            catch (SecretsLoadException ex)
            {
                return ex;
            }
        }).ToArray();

        var failures = (await Task.WhenAll(loads).ConfigureAwait(false)).OfType<SecretsLoadException>().ToArray();
        Publish("startup", fireReload: false);
        if (failures.Length == 1)
        {
            throw failures[0];
        }

        if (failures.Length > 1)
        {
            throw new SecretsLoadException(
                $"{failures.Length} required secret sources could not be loaded: {string.Join(" | ", failures.Select(f => f.Message))}",
                new AggregateException(failures));
        }
    }

    private static string Segment(string key, int prefixLength)
    {
        var index = key.IndexOf(':', prefixLength);
        return index < 0 ? key[prefixLength..] : key[prefixLength..index];
    }
}
