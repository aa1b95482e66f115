namespace Secrets.Sdk;

/// <summary>Renews and revokes leases. Implemented by stores with dynamic secrets and by token authenticators.</summary>
public interface ISecretLeaseRenewer
{
    /// <summary>Asks the backend to extend <paramref name="lease"/> by <paramref name="increment"/>.</summary>
    /// <param name="lease">The lease to renew.</param>
    /// <param name="increment">The extension asked for; the backend may grant less (a max-TTL cap).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lease as renewed, with the duration the backend actually granted.</returns>
    ValueTask<SecretLease> RenewLeaseAsync(SecretLease lease, TimeSpan increment, CancellationToken cancellationToken);

    /// <summary>Revokes <paramref name="lease"/> so its credential stops working.</summary>
    /// <param name="lease">The lease to revoke.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the backend accepted the revocation.</returns>
    ValueTask RevokeLeaseAsync(SecretLease lease, CancellationToken cancellationToken);
}
