using System.Collections.Concurrent;

namespace Secrets.Sdk.Benchmarks.Startup;

/// <summary>
/// Faithful re-creations of how the libraries users know load secrets at startup, over the same store, so the
/// comparison measures the strategy and nothing else.
/// </summary>
internal static class AnchorLoaders
{
    /// <summary>VaultSharp's AddVaultConfiguration: list, then read each secret one after another.</summary>
    public static async Task<int> SequentialAsync(ISecretStore store)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var metadata in await store.ListSecretsAsync(CancellationToken.None))
        {
            var result = (await store.GetSecretsAsync([metadata], CancellationToken.None))[0];
            values[metadata.Name] = result.Secret!.Value.GetText();
        }

        return values.Count;
    }

    /// <summary>Azure's AddAzureKeyVault: list, then up to 32 single-secret reads in parallel (no batching).</summary>
    public static async Task<int> Parallel32UnbatchedAsync(ISecretStore store)
    {
        var values = new ConcurrentDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var listed = await store.ListSecretsAsync(CancellationToken.None);
        await Parallel.ForEachAsync(listed, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (metadata, ct) =>
        {
            var result = (await store.GetSecretsAsync([metadata], ct))[0];
            values[metadata.Name] = result.Secret!.Value.GetText();
        });
        return values.Count;
    }
}
