namespace Secrets.Sdk;

/// <summary>
/// Reads through a configured source, found by name on every read so the cache follows the newest provider after a
/// configuration rebuild. Reads go through the source's resilience pipeline (so they share its circuit breaker) and
/// are counted in its backend telemetry.
/// </summary>
internal sealed class SourceCacheReader(SecretsManagerHub hub, string sourceName) : SecretCacheReader
{
    public override string Name => sourceName;

    protected override async ValueTask<(ISecretStore Store, IReadOnlyList<SecretReadResult> Results)> ReadCoreAsync(SecretMetadata requested, CancellationToken cancellationToken)
    {
        var source = hub.FindSource(sourceName)
            ?? throw new SecretStoreException($"Secret source '{sourceName}' is not running (its configuration was disposed).", SecretErrorKind.Unavailable, sourceName, requested.Name);
        var results = await source.Store.GetAsync([requested], cancellationToken).ConfigureAwait(false);
        return (source.Store.Store, results);
    }
}
