namespace Secrets.Sdk;

/// <summary>One <see cref="ISecretsManager"/> over every <c>AddSecretsManager</c> call of an application.</summary>
internal sealed class CompositeSecretsManager(IReadOnlyList<ISecretsManager> managers) : ISecretsManager
{
    public event EventHandler<SecretsChangedEventArgs>? Changed
    {
        add
        {
            foreach (var manager in managers)
            {
                manager.Changed += value;
            }
        }

        remove
        {
            foreach (var manager in managers)
            {
                manager.Changed -= value;
            }
        }
    }

    public event EventHandler<SecretLeaseEventArgs>? LeaseChanged
    {
        add
        {
            foreach (var manager in managers)
            {
                manager.LeaseChanged += value;
            }
        }

        remove
        {
            foreach (var manager in managers)
            {
                manager.LeaseChanged -= value;
            }
        }
    }

    public IReadOnlyList<SecretSourceStatus> Sources => managers.SelectMany(m => m.Sources).ToArray();

    public SecretCache CreateCache(string sourceName, SecretCacheOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        var perManager = managers.Select(m => m.Sources.Select(s => (s.Name, s.StoreName)).ToArray()).ToArray();
        SourceNames.RequireOne(sourceName, [.. perManager.SelectMany(n => n)]);
        return managers[Array.FindIndex(perManager, names => SourceNames.Find(sourceName, names).Error is null)].CreateCache(sourceName, options);
    }

    public async Task<SecretsRefreshResult> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var results = await Task.WhenAll(managers.Select(m => m.RefreshAsync(cancellationToken))).ConfigureAwait(false);
        var changed = results.SelectMany(r => r.ChangedKeys).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        var failures = new Dictionary<string, Exception>(StringComparer.Ordinal);
        foreach (var (name, error) in results.SelectMany(r => r.Failures))
        {
            failures[name] = error;
        }

        return new SecretsRefreshResult(changed, failures);
    }
}
