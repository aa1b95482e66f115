using Polly;

namespace Secrets.Sdk;

/// <summary>Reads from a store the caller owns, through the cache's own resilience pipeline.</summary>
internal sealed class StoreCacheReader(ISecretStore store, ResiliencePipeline pipeline) : SecretCacheReader
{
    public override string Name => store.Name;

    protected override async ValueTask<(ISecretStore Store, IReadOnlyList<SecretReadResult> Results)> ReadCoreAsync(SecretMetadata requested, CancellationToken cancellationToken)
    {
        var results = await pipeline.ExecuteAsync(ct => store.GetSecretsAsync([requested], ct), cancellationToken).ConfigureAwait(false);
        return (store, results);
    }
}
