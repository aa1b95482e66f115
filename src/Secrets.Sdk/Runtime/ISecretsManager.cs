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

    /// <summary>
    /// Creates an on-demand cache over the source named <paramref name="sourceName"/> (see <see cref="SecretSourceStatus.Name"/>:
    /// <see cref="SecretSourceOptions.Name"/> when set, otherwise the store's own name such as <c>vault:secret/orders</c>),
    /// for code that asks for a secret by name instead of through configuration. Reads go through the source's store,
    /// resilience pipeline and telemetry; the cache follows the source across configuration rebuilds. When several
    /// sources share a name (one <c>AddVault</c> call adds one per KV path), pass a <see cref="SecretSourceStatus.StoreName"/>. The caller owns
    /// (and disposes) the cache.
    /// </summary>
    /// <param name="sourceName">The source's name.</param>
    /// <param name="options">Time to live, stale serving, size and clock; <see langword="null"/> for the defaults on the sources' clock. Its <see cref="SecretCacheOptions.Resilience"/> is not used: the source's pipeline is.</param>
    /// <returns>A new cache.</returns>
    /// <exception cref="ArgumentException">No source, or more than one, has that name (and no one store has it); the message lists the candidates.</exception>
    /// <exception cref="InvalidOperationException">The sources have not finished loading, or were disposed.</exception>
    SecretCache CreateCache(string sourceName, SecretCacheOptions? options = null);
}
