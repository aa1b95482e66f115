using Microsoft.Extensions.Logging;

namespace Secrets.Sdk;

/// <summary>Revokes credentials the engine will not use, each within a time bound and never throwing.</summary>
internal static class LeaseRevocation
{
    /// <summary>
    /// Revokes each lease, waiting at most <paramref name="bound"/> for each; a failed or late revocation is logged and the
    /// credential left to expire on its own.
    /// </summary>
    public static async Task RevokeBestEffortAsync(ILeasedSecretStore store, IEnumerable<SecretLease> leases, TimeSpan bound, TimeProvider timeProvider, ILogger logger, string sourceName)
    {
        foreach (var lease in leases.ToArray())
        {
            try
            {
                using var cancellation = new CancellationTokenSource();
                var revocation = store.RevokeLeaseAsync(lease, cancellation.Token).AsTask();
                if (!await BoundedWait.CompletesWithinAsync(revocation, bound, timeProvider).ConfigureAwait(false))
                {
                    await cancellation.CancelAsync().ConfigureAwait(false);
                }

                await revocation.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A credential we could not commit is revoked best-effort; it expires on its own.
                EngineLog.ShutdownRevokeFailed(logger, sourceName, ex.GetType().Name);
            }
        }
    }
}
