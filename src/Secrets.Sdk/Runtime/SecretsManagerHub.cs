using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>
/// The <see cref="ISecretsManager"/> of one <c>AddSecretsManager</c> call. It outlives the providers built from that
/// call (<c>ConfigurationManager</c> rebuilds them whenever its sources change), so event subscriptions and the DI
/// singleton keep working: it always speaks for the newest provider that finished loading.
/// </summary>
internal sealed class SecretsManagerHub(ILoggerFactory loggerFactory) : ISecretsManager
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("Secrets.Sdk.SecretsManager");
    private volatile SecretsConfigurationProvider? _current;

    public event EventHandler<SecretsChangedEventArgs>? Changed;

    public event EventHandler<SecretLeaseEventArgs>? LeaseChanged;

    public IReadOnlyList<SecretSourceStatus> Sources => _current?.Statuses ?? [];

    public Task<SecretsRefreshResult> RefreshAsync(CancellationToken cancellationToken = default) =>
        _current?.RefreshAllAsync(cancellationToken)
        ?? Task.FromResult(new SecretsRefreshResult([], new Dictionary<string, Exception>(StringComparer.Ordinal)));

    public SecretCache CreateCache(string sourceName, SecretCacheOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        var provider = _current ?? throw new InvalidOperationException("The secret sources have not finished loading (or were disposed); create the cache after the configuration is built.");
        SourceNames.RequireOne(sourceName, Names(provider));
        return new SecretCache(options ?? new SecretCacheOptions { TimeProvider = provider.TimeProvider }, _ => new SourceCacheReader(this, sourceName));
    }

    /// <summary>Returns the running source named <paramref name="sourceName"/> of the newest provider, or null when there is none.</summary>
    internal SecretSourceRuntime? FindSource(string sourceName)
    {
        if (_current is not { } provider)
        {
            return null;
        }

        var index = SourceNames.Find(sourceName, Names(provider)).Index;
        return index >= 0 ? provider.Sources[index] : null;
    }

    private static (string Name, string StoreName)[] Names(SecretsConfigurationProvider provider) =>
        [.. provider.Sources.Select(s => (s.Name, s.Store.Store.Name))];

    /// <summary>Makes <paramref name="provider"/> the one this manager speaks for (it finished its first load).</summary>
    internal void Attach(SecretsConfigurationProvider provider) => _current = provider;

    /// <summary>Forgets <paramref name="provider"/> if it is the current one (it is being disposed).</summary>
    internal void Detach(SecretsConfigurationProvider provider) => Interlocked.CompareExchange(ref _current, null, provider);

    internal void RaiseChanged(string sourceName, IReadOnlyList<string> changedKeys) =>
        Raise(Changed, new SecretsChangedEventArgs(sourceName, changedKeys));

    internal void RaiseLeaseChanged(object? sender, SecretLeaseEventArgs e) => Raise(LeaseChanged, e);

    private void Raise<T>(EventHandler<T>? handler, T args)
    {
        try
        {
            handler?.Invoke(this, args);
        }
        catch (Exception ex)
        {
            // A subscriber's bug must not break the refresh loop or lease renewal.
            EngineLog.ChangedHandlerFailed(_logger, ex.GetType().Name);
        }
    }
}
