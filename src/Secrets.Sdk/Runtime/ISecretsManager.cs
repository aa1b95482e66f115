namespace Secrets.Sdk;

/// <summary>
/// The running secret sources of an application: refresh on demand, observe changes, read status.
/// Registered in DI by <c>AddSecretsManager</c> on a host; otherwise get it with <c>configuration.GetSecretsManager()</c>.
/// </summary>
public interface ISecretsManager
{
    /// <summary>
    /// Raised once per configuration change with the keys that changed (never values), after the configuration
    /// reload token fired. Handlers must return quickly.
    /// </summary>
    event EventHandler<SecretsChangedEventArgs>? Changed;

    /// <summary>
    /// Raised for every lease event of a dynamic secret (renewed, capped, rotated, revoked, failures), with the secret's
    /// name and lease id, never the credential. Handlers must return quickly.
    /// </summary>
    event EventHandler<SecretLeaseEventArgs>? LeaseChanged;

    /// <summary>Gets the status of every source.</summary>
    IReadOnlyList<SecretSourceStatus> Sources { get; }

    /// <summary>
    /// Refreshes every source now (metadata first, values only for what changed). Store failures do not throw:
    /// the last good values stay and the failure is reported in the result, the logs and the health check.
    /// </summary>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>What changed and what failed.</returns>
    Task<SecretsRefreshResult> RefreshAsync(CancellationToken cancellationToken = default);
}
