using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>The <see cref="ISecretsManager"/> of one provider.</summary>
internal sealed class SecretsManagerRuntime(SecretsConfigurationProvider provider) : ISecretsManager
{
    private readonly ILogger _logger = provider.LoggerFactory.CreateLogger("Secrets.Sdk.SecretsManager");

    internal SecretsConfigurationProvider Provider => provider;

    public event EventHandler<SecretsChangedEventArgs>? Changed;

    public IReadOnlyList<SecretSourceStatus> Sources => provider.Sources.Select(s => s.Status).ToArray();

    public async Task<SecretsRefreshResult> RefreshAsync(CancellationToken cancellationToken = default)
    {
        var outcomes = await Task.WhenAll(provider.Sources.Select(async s => (s.Name, Outcome: await s.RefreshAndPublishAsync(cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        var changed = outcomes.SelectMany(o => o.Outcome.Changed).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToArray();
        var failures = outcomes.Where(o => o.Outcome.Error is not null).ToDictionary(o => o.Name, o => o.Outcome.Error!, StringComparer.Ordinal);
        return new SecretsRefreshResult(changed, failures);
    }

    internal void RaiseChanged(string sourceName, IReadOnlyList<string> changedKeys)
    {
        try
        {
            Changed?.Invoke(this, new SecretsChangedEventArgs(sourceName, changedKeys));
        }
#pragma warning disable CA1031 // A subscriber's bug must not break the refresh loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            EngineLog.ChangedHandlerFailed(_logger, ex.GetType().Name);
        }
    }
}
