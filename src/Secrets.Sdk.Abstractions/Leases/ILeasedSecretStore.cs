namespace Secrets.Sdk;

/// <summary>
/// A store whose secrets may carry leases (<see cref="Secret.Lease"/>). The engine's lease manager renews
/// them, rotates them before they expire, and revokes replaced leases after a grace period.
/// </summary>
public interface ILeasedSecretStore : ISecretStore, ISecretLeaseRenewer
{
}
