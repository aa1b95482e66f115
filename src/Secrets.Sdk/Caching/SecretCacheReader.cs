namespace Secrets.Sdk;

/// <summary>
/// Where a <see cref="SecretCache"/> reads one secret: a store the caller gave it, or a configured source found by name.
/// A dynamic (leased) credential is refused: nothing would renew or revoke it, so it is revoked at once.
/// </summary>
internal abstract class SecretCacheReader
{
    private static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(5);

    /// <summary>Gets the name used in telemetry and errors (the store's or the source's).</summary>
    public abstract string Name { get; }

    /// <summary>Reads <paramref name="name"/> once and returns its value.</summary>
    /// <param name="name">The secret's name in the store.</param>
    /// <param name="timeProvider">The cache's clock (bounds a revocation).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The value.</returns>
    /// <exception cref="SecretStoreException">The read failed, or the secret is a leased credential.</exception>
    public async Task<SecretValue> ReadAsync(string name, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (store, results) = await ReadCoreAsync(new SecretMetadata(name), cancellationToken).ConfigureAwait(false);
        var result = results.FirstOrDefault(r => string.Equals(r.Requested.Name, name, StringComparison.Ordinal))
            ?? throw new SecretStoreException($"Store '{store.Name}' returned no result for secret '{name}'.", SecretErrorKind.InvalidResponse, Name, name);
        if (result.Error is { } error)
        {
            throw error;
        }

        var secret = result.Secret!;
        if (secret.Lease is { } lease)
        {
            if (store is ILeasedSecretStore leased)
            {
                await RevokeAsync(leased, lease, timeProvider).ConfigureAwait(false);
            }

            throw new SecretStoreException(
                $"Secret '{name}' of '{Name}' is a leased dynamic credential; a cache cannot renew or revoke it (it was revoked). Read it through configuration, where its lease is managed.",
                SecretErrorKind.InvalidRequest,
                Name,
                name);
        }

        return secret.Value;
    }

    /// <summary>Reads one secret and says which store answered.</summary>
    /// <param name="requested">The secret to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The store that answered and its results.</returns>
    protected abstract ValueTask<(ISecretStore Store, IReadOnlyList<SecretReadResult> Results)> ReadCoreAsync(SecretMetadata requested, CancellationToken cancellationToken);

    private static async Task RevokeAsync(ILeasedSecretStore store, SecretLease lease, TimeProvider timeProvider)
    {
        using var cancellation = new CancellationTokenSource();
        try
        {
            var revocation = store.RevokeLeaseAsync(lease, cancellation.Token).AsTask();
            if (!await BoundedWait.CompletesWithinAsync(revocation, RevocationBound, timeProvider).ConfigureAwait(false))
            {
                await cancellation.CancelAsync().ConfigureAwait(false);
            }

            await revocation.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Best effort: a credential that could not be revoked expires on its own; the caller gets the refusal.
        }
    }
}
