namespace Secrets.Sdk;

/// <summary>
/// The outcome of reading one secret in a batch: either the secret or the error that stopped it.
/// One failed item never fails the rest of its batch.
/// </summary>
public sealed class SecretReadResult
{
    private SecretReadResult(SecretMetadata requested, Secret? secret, SecretStoreException? error)
    {
        Requested = requested;
        Secret = secret;
        Error = error;
    }

    /// <summary>Gets the metadata that was asked for.</summary>
    public SecretMetadata Requested { get; }

    /// <summary>Gets the secret, when the read succeeded.</summary>
    public Secret? Secret { get; }

    /// <summary>Gets the error, when the read failed.</summary>
    public SecretStoreException? Error { get; }

    /// <summary>Gets a value indicating whether the read succeeded.</summary>
    public bool Succeeded => Secret is not null;

    /// <summary>Creates a successful result.</summary>
    /// <param name="requested">The metadata that was asked for.</param>
    /// <param name="secret">The secret read.</param>
    /// <returns>The result.</returns>
    public static SecretReadResult Success(SecretMetadata requested, Secret secret)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(secret);
        return new(requested, secret, null);
    }

    /// <summary>Creates a failed result.</summary>
    /// <param name="requested">The metadata that was asked for.</param>
    /// <param name="error">Why the read failed.</param>
    /// <returns>The result.</returns>
    public static SecretReadResult Failure(SecretMetadata requested, SecretStoreException error)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(error);
        return new(requested, null, error);
    }
}
