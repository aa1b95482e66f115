namespace Secrets.Sdk;

/// <summary>Obtains a replacement credential when a lease can no longer be renewed.</summary>
public interface ILeaseRotationTarget
{
    /// <summary>
    /// Obtains a new credential, puts it into use (for a dynamic secret: swaps it into configuration, giving one
    /// reload), and returns its lease. The manager then tracks the new lease and revokes the old one after the grace period.
    /// </summary>
    /// <param name="expiring">The lease being replaced.</param>
    /// <param name="cancellationToken">Cancels the rotation.</param>
    /// <returns>The new credential's lease.</returns>
    ValueTask<SecretLease> RotateAsync(SecretLease expiring, CancellationToken cancellationToken);
}
