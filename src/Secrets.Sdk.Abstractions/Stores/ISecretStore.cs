namespace Secrets.Sdk;

/// <summary>
/// One connection to one secret backend. The engine lists metadata cheaply on every refresh and
/// reads values only for secrets whose <see cref="SecretMetadata.Version"/> changed.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. They throw <see cref="SecretStoreException"/> for backend errors,
/// never include a secret value in an exception, and honour cancellation.
/// </remarks>
public interface ISecretStore
{
    /// <summary>Gets a short display name for logs, metrics and errors (for example <c>vault:secret/orders</c>).</summary>
    string Name { get; }

    /// <summary>Gets the largest number of secrets one <see cref="GetSecretsAsync"/> call should carry.</summary>
    int MaxBatchSize { get; }

    /// <summary>Lists the metadata of every secret this store serves. No values are read.</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The metadata, one entry per secret.</returns>
    ValueTask<IReadOnlyList<SecretMetadata>> ListSecretsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reads the values of up to <see cref="MaxBatchSize"/> secrets. Each secret gets its own result;
    /// a failure of one is reported in its result and does not fail the others. The method itself throws
    /// only when the whole call failed (for example the backend is unreachable).
    /// </summary>
    /// <param name="secrets">The secrets to read, as listed.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>One result per requested secret, in any order.</returns>
    ValueTask<IReadOnlyList<SecretReadResult>> GetSecretsAsync(IReadOnlyList<SecretMetadata> secrets, CancellationToken cancellationToken);
}
